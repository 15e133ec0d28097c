"""The CSV downloads: a text a spreadsheet opens as it is (a site name that starts like a formula
is quoted so that it stays text)."""

import csv
import io

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([cell(str(name)) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
