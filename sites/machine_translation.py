"""Machine translation for wagtail-localize's translation editor ("Translate with …").

Two backends, chosen by environment (cms/settings/base.py, MACHINE_TRANSLATOR):

- LibreTranslate (self-hosted or libretranslate.com): wagtail-localize's own
  `wagtail_localize.machine_translators.libretranslate.LibreTranslator`, configured by
  LIBRETRANSLATE_URL and LIBRETRANSLATE_API_KEY;
- `StandInTranslator`, ours, for tests and the demo: no service, no network, and output that is
  obviously a machine's and always the same. English to Welsh, a short list of common words is
  put into Welsh, every other word kept, and each string starts with "[peiriant] " ("machine"),
  so no editor takes it for a translation and a test can say exactly what it fills in.
"""

import re

from django.utils.translation import gettext_lazy as _
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

MARK = "[peiriant] "

# Common words of the seeds' English, as a Welsh speaker would put them one by one. It is a
# stand-in: it never pretends to translate a sentence.
WORDS = {
    "about": "amdanom",
    "and": "a",
    "community": "cymuned",
    "connection": "cysylltiad",
    "contact": "cysylltu",
    "get": "cymryd",
    "have": "cael",
    "home": "hafan",
    "involved": "rhan",
    "join": "ymuno",
    "makes": "gwneud",
    "members": "aelodau",
    "news": "newyddion",
    "our": "ein",
    "stories": "straeon",
    "story": "stori",
    "the": "y",
    "us": "ni",
    "volunteer": "gwirfoddoli",
    "welcome": "croeso",
    "with": "gyda",
    "you": "chi",
    "your": "eich",
}
# Markup is kept as it is: only the text between tags is looked at.
TAG = re.compile(r"(<[^>]*>)")
WORD = re.compile(r"[A-Za-z]+")


def _word(match: re.Match) -> str:
    english = match.group(0)
    welsh = WORDS.get(english.lower())
    if welsh is None:
        return english
    return welsh.capitalize() if english[0].isupper() else welsh


def stand_in_welsh(html: str) -> str:
    """The stand-in's Welsh for one string of wagtail-localize (HTML with inline markup)."""
    parts = TAG.split(html)
    text = [part if TAG.fullmatch(part) else WORD.sub(_word, part) for part in parts]
    return MARK + "".join(text)


def _language(locale) -> str:
    return locale.language_code.split("-")[0]


class StandInTranslator(BaseMachineTranslator):
    """A deterministic English to Welsh stand-in (see the module's docstring)."""

    display_name = _("Stand-in machine translator")

    def translate(self, source_locale, target_locale, strings):
        return {string: StringValue(stand_in_welsh(string.data)) for string in strings}

    def can_translate(self, source_locale, target_locale) -> bool:
        return (_language(source_locale), _language(target_locale)) == ("en", "cy")
