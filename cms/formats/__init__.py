"""Date and number formats by language (Django's FORMAT_MODULE_PATH): British English for
"en", whose Django default is American ("Oct. 25, 2006", 10/25/2006). Welsh keeps Django's
own "cy" formats, which are already day-month-year."""
