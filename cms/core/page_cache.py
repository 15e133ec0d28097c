"""The page cache: whole anonymous responses kept in the shared cache, purged by tags.

A view (or a Wagtail hook before a page is served) says a response may be cached, and under
which tags, with `allow(request, "site:3")`. `PageCacheMiddleware` then keeps the response in
the default cache (Redis in production, shared by every web process), keyed by host, path and
query string (the language is in the path), together with the version each tag had when the
response was built. `purge("site:3")` moves the tag to a new version: every response stored
under it is stale from that moment, in every process, at the cost of one cache write. A hit
reads two cache keys (the response, its tags' versions) and touches no database.

What is never served from, nor stored in, the cache: anything but GET and HEAD; a request with
a session cookie (an editor, or anyone the site has a session for) or a pending flash message;
a response the view did not allow; a response that sets a cookie of its own, has `private`,
`no-store` or `no-cache` in its Cache-Control, is streamed, or is neither a 200 nor a 404 (a
404 is kept `PAGE_CACHE_NOT_FOUND_SECONDS`, briefly).

Forms on cached pages keep working and keep their spam protection: before a response is stored
its CSRF token and its signed form timestamps (cms.core.antispam) are cut out, and every
response served from the cache gets fresh ones, as a page built for this request would
(`get_token` sets the CSRF cookie as usual). Such a page is not offered to shared caches
(`Cache-Control: private`); one without a form is, for `PAGE_CACHE_SHARED_SECONDS`
(`s-maxage`), since a purge also reaches the HTTP cache (sites.page_cache).

Settings: PAGE_CACHE_SECONDS (0 turns the cache off), PAGE_CACHE_NOT_FOUND_SECONDS,
PAGE_CACHE_SHARED_SECONDS. An entry never outlives the local midnight either, when date-based
rules (a story's consent expiring) change what a page shows.
"""

import datetime
import hashlib
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .antispam import sign_timestamp

KEY_PREFIX = "pagecache"
HEADER = "X-Page-Cache"  # hit, miss (stored) or pass (not cacheable)
STORED_STATUSES = (200, 404)
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")
# The holes cut into a stored page, filled again for each request it is served to.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = b"\x00csrf\x00"
TIMESTAMP_INPUT = re.compile(rb'value="[^"]*"( data-antispam-salt="([^"]+)")')
TIMESTAMP_HOLE = re.compile(rb'value="\x00ts\x00"( data-antispam-salt="([^"]+)")')


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


@dataclass
class Capture:
    """What the view of one request said about caching its response."""

    allowed: bool = False
    versions: dict = field(default_factory=dict)
    timeout: int | None = None


_capture: ContextVar[Capture | None] = ContextVar("page_cache_capture", default=None)


# --- tags ------------------------------------------------------------------------------------


def _tag_key(tag: str) -> str:
    return f"{KEY_PREFIX}:tag:{tag}"


def tag_versions(tags) -> dict:
    """The current version of each tag; a tag never seen (or evicted) gets one now."""
    tags = list(tags)
    found = cache.get_many([_tag_key(tag) for tag in tags])
    versions = {}
    for tag in tags:
        version = found.get(_tag_key(tag))
        if version is None:
            cache.add(_tag_key(tag), time.time_ns(), timeout=None)
            version = cache.get(_tag_key(tag))
        versions[tag] = version
    return versions


def purge(*tags: str) -> None:
    """Every response stored under any of `tags` is stale from now on, in every process."""
    for tag in tags:
        try:
            cache.incr(_tag_key(tag))
        except ValueError:  # never seen, or evicted: a version no stored entry can hold
            cache.set(_tag_key(tag), time.time_ns(), timeout=None)


def allow(request, *tags: str, timeout: int | None = None) -> None:
    """This request's response may be cached (if the middleware is caching it), under `tags`.

    The tags' versions are read now, before the view reads what they guard: a purge while the
    response is being built leaves it stored under the old version, so never served."""
    capture = _capture.get()
    if capture is None:
        return
    capture.allowed = True
    capture.versions.update(tag_versions([tag for tag in tags if tag not in capture.versions]))
    if timeout is not None:
        capture.timeout = timeout if capture.timeout is None else min(capture.timeout, timeout)


def is_capturing() -> bool:
    return _capture.get() is not None


_MISSING = object()


def remember(tag: str, name: str, compute):
    """`compute()`, kept in the cache until `tag` is purged (or PAGE_CACHE_SECONDS pass, or
    midnight): the parts of a page every page of a site repeats (its menu, its footer's links,
    the story filters), so a page built after a purge costs fewer queries. Off, like the page
    cache, when PAGE_CACHE_SECONDS is 0: nothing would purge it then. The value must pickle."""
    if seconds() <= 0:
        return compute()
    version = tag_versions([tag])[tag]
    digest = hashlib.sha256(f"{tag}|{version}|{name}".encode()).hexdigest()
    key = f"{KEY_PREFIX}:value:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=min(seconds(), _until_midnight()))
    return value


# --- the middleware --------------------------------------------------------------------------


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _entry_key(request) -> str:
    where = f"{request.get_host().lower()}|{request.path}|{request.META.get('QUERY_STRING', '')}"
    return f"{KEY_PREFIX}:page:{hashlib.sha256(where.encode()).hexdigest()}"


def _until_midnight() -> int:
    now = timezone.localtime()
    tomorrow = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=now.tzinfo
    )
    return max(int((tomorrow - now).total_seconds()), 1)


def _storable(response, capture: Capture) -> bool:
    if not capture.allowed or response.streaming or response.cookies:
        return False
    if response.status_code not in STORED_STATUSES:
        return False
    directives = response.get("Cache-Control", "").lower()
    return not any(word in directives for word in UNCACHEABLE_DIRECTIVES)


def _cut_holes(content: bytes) -> tuple[bytes, bool]:
    content, csrf = CSRF_INPUT.subn(lambda m: m[1] + CSRF_HOLE + m[2], content)
    content, stamps = TIMESTAMP_INPUT.subn(lambda m: b'value="\x00ts\x00"' + m[1], content)
    return content, bool(csrf or stamps)


def _fill_holes(request, content: bytes) -> bytes:
    if CSRF_HOLE in content:
        content = content.replace(CSRF_HOLE, get_token(request).encode())
    return TIMESTAMP_HOLE.sub(
        lambda match: (
            b'value="%s"%s' % (sign_timestamp(match.group(2).decode()).encode(), match.group(1))
        ),
        content,
    )


def _shared_cache_headers(response, holes: bool) -> None:
    if holes:  # a fresh CSRF token and timestamps per visitor: this process's cache only
        patch_cache_control(response, private=True, max_age=0)
    else:  # browsers revalidate, unless the view chose how long they keep it (theme.css)
        shared = int(getattr(settings, "PAGE_CACHE_SHARED_SECONDS", 0) or 0)
        browsers = {} if "max-age" in response.get("Cache-Control", "") else {"max_age": 0}
        patch_cache_control(response, public=True, s_maxage=shared, **browsers)


class PageCacheMiddleware:
    """Serves and stores anonymous responses (see the module's docstring). Place it after
    CsrfViewMiddleware, so a response served from the cache gets the CSRF cookie its form needs,
    and after the session and locale middleware (neither touches the database for a visitor
    without a session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _entry_key(request)
        entry = cache.get(key)
        if entry is not None and tag_versions(entry["versions"]) == entry["versions"]:
            return self._replay(request, entry)
        token = _capture.set(Capture())
        try:
            response = self.get_response(request)
        finally:
            capture = _capture.get()
            _capture.reset(token)
        if not _storable(response, capture) or self._timeout(response, capture) <= 0:
            response.setdefault(HEADER, "pass")
            return response
        self._store(request, key, response, capture)
        return response

    def _store(self, request, key, response, capture: Capture) -> None:
        content, holes = _cut_holes(response.content)
        _shared_cache_headers(response, holes)
        response[HEADER] = "miss"
        timeout = self._timeout(response, capture)
        entry = {
            "versions": capture.versions,
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()],
            "content": content,
            "holes": holes,
        }
        cache.set(key, entry, timeout=min(timeout, _until_midnight()))

    @staticmethod
    def _timeout(response, capture: Capture) -> int:
        if response.status_code == 200:
            timeout = seconds()
        else:
            timeout = int(getattr(settings, "PAGE_CACHE_NOT_FOUND_SECONDS", 30) or 0)
        return timeout if capture.timeout is None else min(timeout, capture.timeout)

    @staticmethod
    def _replay(request, entry) -> HttpResponse:
        content = entry["content"]
        if entry["holes"]:
            content = _fill_holes(request, content)
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response[HEADER] = "hit"
        return response
