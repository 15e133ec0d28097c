"""British dates for "en" (25 October 2006, 25/10/2006, 24-hour times): Django's en_GB
formats with the month written out and the time as 14:30. ISO input (2006-10-25) is always
accepted as well: Django adds it to every *_INPUT_FORMATS."""

from django.conf.locale.en_GB.formats import (  # noqa: F401 - re-exported for Django
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    THOUSAND_SEPARATOR,
    YEAR_MONTH_FORMAT,
)

DATE_FORMAT = "j F Y"  # 25 October 2006
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 25 October 2006, 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/10/2006 14:30
