"""The submissions list of a form page, exported safely.

A resident's answer that starts with `=`, `+`, `-` or `@` (or a tab or carriage return) is run
as a formula when the CSV export is opened in a spreadsheet: "=HYPERLINK(...)" in a name field
becomes a link to anywhere in an editor's copy of the volunteers list. Such cells are written
with a leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection).
Wagtail's XLSX export already stores them as text.
"""

from wagtail.contrib.forms.views import SubmissionsListView

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSubmissionsListView(SubmissionsListView):
    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value
