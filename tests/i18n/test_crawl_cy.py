"""A Welsh reader's journey through the national site: from /cy/ by links, as a crawler (or a
person clicking) goes. Every Welsh page answers 200 as Welsh (<html lang="cy">); every link to
this site stays in Welsh, or says it leads to English (hreflang="en" or lang="en"); and no
interface string of our catalogue shows in English on a Welsh page (compared against the
catalogue itself, locale/cy/LC_MESSAGES/django.po, not a hand-made list)."""

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from tests.conftest import NATIONAL_HOST

START = "/cy/"
MAX_PAGES = 300  # the demo's Welsh site has a few dozen; a runaway crawl stops here
# Addresses that are files or machinery, not pages a reader reads.
NOT_PAGES = ("/static/", "/media/", "/documents/", "/admin/", "/django-admin/")
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "cy" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{[^}]*\}")


@dataclass
class Crawl:
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> status, html
    english_links: list[tuple[str, str]] = field(default_factory=list)  # (on page, link)


def _internal_path(href: str, base: str) -> str | None:
    """The path (and query) of a link to this site, or None for another site, mail, etc."""
    url = urldefrag(urljoin(f"http://{NATIONAL_HOST}{base}", href)).url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname != NATIONAL_HOST:
        return None
    if parts.path.startswith(NOT_PAGES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _marked_english(link) -> bool:
    """Whether the link says it leads to English: hreflang="en" on it, or lang="en" on it or
    around it (an English version offered inside Welsh text)."""
    if link.get("hreflang", "").startswith("en"):
        return True
    holder = link if link.has_attr("lang") else link.find_parent(attrs={"lang": True})
    return holder is not None and holder["lang"].startswith("en")


def crawl(client: Client) -> Crawl:
    found = Crawl()
    queue = deque([START])
    while queue and len(found.pages) < MAX_PAGES:
        path = queue.popleft()
        if path in found.pages:
            continue
        response = client.get(path, HTTP_HOST=NATIONAL_HOST)
        html = response.content.decode(errors="replace")
        found.pages[path] = (response.status_code, html)
        if response.status_code != 200:
            continue
        for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            target = _internal_path(link["href"], path)
            if target is None:
                continue
            if target.startswith(START):
                queue.append(target)
            elif not _marked_english(link):
                found.english_links.append((path, link["href"]))
    return found


_CRAWLED: dict[str, Crawl] = {}


@pytest.fixture
def welsh_site(client, network) -> Crawl:
    """The crawl, made once for this module's tests (it only reads: GET requests)."""
    if "cy" not in _CRAWLED:
        _CRAWLED["cy"] = crawl(client)
    return _CRAWLED["cy"]


# --- the journey ----------------------------------------------------------------------------


def test_the_crawl_reaches_the_whole_welsh_site(welsh_site):
    reached = {urlsplit(path).path for path in welsh_site.pages}
    expected = {"/cy/", "/cy/about/", "/cy/community-makes-us/", "/cy/stories/", "/cy/members/"}
    assert expected <= reached, f"not reached from /cy/ by links: {sorted(expected - reached)}"


def test_every_welsh_page_answers_200_in_welsh(welsh_site):
    wrong = []
    for path, (status, html) in welsh_site.pages.items():
        tag = re.search(r"<html\b[^>]*>", html)
        if status != 200 or not tag or 'lang="cy"' not in tag.group(0):
            wrong.append(f"{path}: {status} {tag.group(0) if tag else 'no <html>'}")
    assert wrong == []


def test_every_internal_link_stays_in_welsh_or_is_marked_english(welsh_site):
    shown = sorted({f"{link}  (on {page})" for page, link in welsh_site.english_links})
    assert shown == [], "links from Welsh pages to English ones not marked as English"


# --- the interface strings ------------------------------------------------------------------


def _catalogue_strings() -> list[tuple[str, re.Pattern]]:
    """The English msgids of more than one word whose Welsh differs, each as a pattern of its
    visible text (placeholders match anything, markup is dropped, white space folded)."""
    polib = pytest.importorskip("polib")
    if not CATALOGUE.exists():
        pytest.skip(
            f"{CATALOGUE.relative_to(settings.BASE_DIR)} is not there yet (the catalogue is "
            "another part of issue 12): nothing to compare the Welsh pages against"
        )
    strings = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            text = " ".join(re.sub(r"<[^>]+>", " ", msgid).split())
            literal = [part.strip() for part in PLACEHOLDER.split(text)]
            if len(" ".join(literal).split()) < 2 or entry.msgstr == msgid:
                continue
            pattern = r".+?".join(re.escape(part) for part in literal if part)
            strings.append((msgid, re.compile(rf"(?<![\w-]){pattern}(?![\w-])")))
    return strings


def _welsh_text(html: str) -> str:
    """What a reader sees on the page, less what is marked as English (lang="en")."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template", "noscript"]):
        hidden.decompose()
    for english in soup.select('[lang^="en"]'):
        if english.name != "html":
            english.decompose()
    return " ".join(soup.get_text(" ").split())


def test_no_interface_string_is_left_in_english_on_a_welsh_page(welsh_site):
    strings = _catalogue_strings()
    assert strings, "the catalogue has no strings of more than one word"
    untranslated = []
    for path, (status, html) in welsh_site.pages.items():
        if status != 200:
            continue
        text = _welsh_text(html)
        untranslated += [f"{path}: {msgid!r}" for msgid, found in strings if found.search(text)]
    assert untranslated == []
