"""Requests that declare a character set other than UTF-8.

Django treats a form body (`application/x-www-form-urlencoded`) as UTF-8 only: one that
declares `charset=latin-1` or `utf-16` raises BadRequest when the body is first read (by the
CSRF check). The default 400 view is itself CSRF-protected, reads the body again, raises again,
and the resident gets a 500. A charset that names a codec which is not a text encoding
(`charset=base64`) breaks even `request.GET`. This middleware settles the charset once, before
anything reads the request: a body in an ASCII-compatible charset (latin-1, windows-1252, ...)
is transcoded to UTF-8 so that every view sees the same request; anything else is answered
with a clear 415 (an unknown or unusable charset) or 400 (a body that is not in the charset it
declares).

Django looks the declared charset up while it builds the request, before any middleware runs:
`charset=base64` with a query string fails right there. `CharsetGuard` wraps the WSGI
application (cms/wsgi.py) to answer those requests with the same 415 first.
"""

import codecs
from io import BytesIO
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

FORM = "application/x-www-form-urlencoded"
# Percent-encoded form bodies are ASCII; a charset that writes ASCII differently (UTF-16,
# UTF-32, EBCDIC) cannot carry one.
_ASCII_PROBE = "azAZ09=&%+-._~"


def usable_charset(name: str) -> str | None:
    """The codec's canonical name if `name` is a text encoding that writes ASCII as ASCII."""
    try:
        codec = codecs.lookup(name)
        if _ASCII_PROBE.encode(codec.name) != _ASCII_PROBE.encode("ascii"):
            return None
    except (LookupError, UnicodeError, ValueError):
        return None  # unknown, or a bytes-to-bytes codec such as base64 or zip
    return codec.name


def _unsupported(declared: str) -> str:
    return _("This site cannot read requests in the character set “%(charset)s”. Send UTF-8.") % {
        "charset": declared[:40]
    }


def _refuse(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def declared_charset(content_type: str) -> str | None:
    charset = parse_header_parameters(content_type)[1].get("charset") if content_type else None
    return charset.strip().strip('"') if charset else None


class CharsetGuard:
    """WSGI wrapper: a request declaring a charset no codec can read as text gets a 415 before
    Django builds the request object (which would fail on it)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        declared = declared_charset(environ.get("CONTENT_TYPE", ""))
        if declared and usable_charset(declared) is None:
            body = (_unsupported(declared) + "\n").encode()
            start_response(
                "415 Unsupported Media Type",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.application(environ, start_response)


class RequestCharsetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = declared_charset(request.META.get("CONTENT_TYPE", ""))
        if declared:
            refusal = self._settle(request, declared)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _settle(self, request, declared: str) -> HttpResponse | None:
        charset = usable_charset(declared)
        if charset is None:
            return _refuse(415, _unsupported(declared))
        if charset == "utf-8":
            return None
        if request.content_type != FORM:
            # Multipart parts and other bodies are decoded by Django with the declared (usable)
            # charset, leniently; only the form body has the UTF-8-only rule.
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return _refuse(413, _("What you sent is too long."))
        try:
            fields = parse_qsl(
                body.decode(charset),
                keep_blank_values=True,
                encoding=charset,
                errors="strict",
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        except UnicodeError:
            return _refuse(
                400,
                _("What you sent is not in the character set it names (“%(charset)s”).")
                % {"charset": declared[:40]},
            )
        except ValueError:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return _refuse(400, _("What you sent has too many fields."))
        utf8 = urlencode(fields).encode("ascii")
        # The request from here on is the same form, as UTF-8: Django's parser, the CSRF check
        # and every view see one kind of body.
        request._body = utf8
        request._stream = BytesIO(utf8)
        request.META["CONTENT_TYPE"] = FORM
        request.META["CONTENT_LENGTH"] = str(len(utf8))
        request.content_params = {}
        request.encoding = None  # also drops any parsed GET/POST, so both are read afresh
        return None
