"""What a resident types is plain text: cleaned here, escaped wherever it is shown."""

import unicodedata

from django import forms

_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}


def normalise_line_breaks(value: str) -> str:
    """Every kind of line break (CR LF, CR, the Unicode line and paragraph separators, NEL)
    as a newline; a paragraph separator as a blank line."""
    for old, new in _LINE_BREAKS.items():
        value = value.replace(old, new)
    return value


def clean_text(value: str, *, multiline: bool) -> str:
    """Drop NUL and other control characters; keep newlines and tabs only where text may run
    over several lines (elsewhere they become spaces, so nothing can start a new line)."""
    value = normalise_line_breaks(value)
    kept = []
    for char in value:
        if char in "\n\t":
            kept.append(char if multiline else " ")
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    return "".join(kept)


def is_blank(value: str) -> bool:
    """Only spaces and invisible characters (zero-width spaces, direction marks)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in value)


class PlainTextField(forms.CharField):
    """A CharField that cleans its input with clean_text and treats invisible input as empty."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_text(value, multiline=self.multiline)
            if is_blank(value):
                value = ""
        return super().to_python(value)


def query_param(request, name: str, max_length: int = 100) -> str:
    """A GET parameter as safe plain text: control characters (NUL breaks PostgreSQL) removed,
    trimmed, cut to `max_length`."""
    value = request.GET.get(name) or ""
    return clean_text(value, multiline=False).strip()[:max_length]
