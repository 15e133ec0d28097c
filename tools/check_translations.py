"""`make lint`'s translation check: the Welsh catalogue (cms/core/locale/cy) is complete and
compiled.

It fails, with the list of what is wrong, when
- a string marked for translation in our code is missing from cms/core/locale/cy/.../django.po
  (the messages are extracted afresh, by Django's makemessages, into a temporary directory);
- the .po has an untranslated or fuzzy message, a plural message without all six Welsh forms,
  or a translation that drops or adds a placeholder (%(name)s, {name}, %s) or an HTML tag;
- the committed django.mo is missing or says something else than the .po (the .po is compiled
  into a temporary file and both catalogues are compared message by message).

    python tools/check_translations.py            # the check (make lint)
    python tools/check_translations.py --compile  # compile the .po into the .mo (make messages)

`make messages` extracts the new strings into the .po (msgmerge keeps the translations); a
translator then fills in every empty msgstr and runs `make messages` again to compile.
Needs GNU gettext's msgfmt and xgettext (Debian: apt-get install gettext).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "cms" / "core" / "locale"  # cms.core ships it (settings.LOCALE_PATHS)
PO = LOCALE_DIR / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What makemessages leaves out: the same folders as MESSAGES_IGNORE in the Makefile (the copy
# the check extracts from leaves out the catalogue and the build's leftovers too).
NOT_COPIED = [".*", "var", "node_modules", "tests", "bench", "locale", "*.egg-info", "__pycache__"]
WELSH_PLURALS = 6
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def missing_tools() -> list[str]:
    return [tool for tool in ("msgfmt", "xgettext", "msgmerge") if shutil.which(tool) is None]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def label(entry_key: tuple[str, str, str]) -> str:
    context, msgid, _plural = entry_key
    return f"[{context}] {msgid!r}" if context else repr(msgid)


def extracted_keys() -> set[tuple[str, str, str]]:
    """Every message marked in our code now: makemessages run over a copy of the sources (so
    that it never writes into locale/), into the copy's own locale directory."""
    import django
    import polib
    from django.core.management import call_command
    from django.test.utils import override_settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    django.setup()
    with tempfile.TemporaryDirectory() as temporary:
        sources = Path(temporary) / "sources"
        shutil.copytree(ROOT, sources, ignore=shutil.ignore_patterns(*NOT_COPIED))
        previous = Path.cwd()
        os.chdir(sources)
        try:
            with override_settings(LOCALE_PATHS=[sources / "locale"]):
                call_command(
                    "makemessages", locale=["cy"], no_location=True, no_obsolete=True, verbosity=0
                )
        finally:
            os.chdir(previous)
        fresh = polib.pofile(str(sources / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
        return {key(entry) for entry in fresh if not entry.obsolete}


def markup(text: str) -> tuple[list[str], list[str]]:
    """The placeholders and HTML tags of a message, sorted: a translation keeps them all."""
    return sorted(PLACEHOLDER.findall(text)), sorted(HTML_TAG.findall(text))


def entry_problems(entry) -> list[str]:
    name = label(key(entry))
    if "fuzzy" in entry.flags:
        return [f"fuzzy (check the Welsh, then remove the fuzzy flag): {name}"]
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(index, "") for index in range(WELSH_PLURALS)]
        source = entry.msgid_plural
    else:
        forms, source = [entry.msgstr], entry.msgid
    if not all(forms):
        return [f"untranslated: {name}"]
    expected = markup(source)
    return [
        f"placeholders or HTML differ from the English in {translation!r}: {name}"
        for translation in forms
        if markup(translation) != expected
    ]


def catalogue_problems(po) -> list[str]:
    problems = []
    if f"nplurals={WELSH_PLURALS};" not in po.metadata.get("Plural-Forms", "").replace(" ", ""):
        problems.append(f"the header's Plural-Forms must give Welsh's {WELSH_PLURALS} forms")
    for entry in po:
        if not entry.obsolete:
            problems.extend(entry_problems(entry))
    return problems


def compile_catalogue(target: Path) -> str:
    """msgfmt's complaints about the .po (empty when it compiled cleanly into `target`)."""
    msgfmt = shutil.which("msgfmt") or "msgfmt"
    result = subprocess.run(  # noqa: S603 - gettext's msgfmt on our own catalogue
        [msgfmt, "--check", "-o", str(target), str(PO)], capture_output=True, text=True
    )
    return result.stderr.strip() if result.returncode else ""


def compiled(path: Path) -> dict:
    import polib

    return {key(entry): (entry.msgstr, entry.msgstr_plural) for entry in polib.mofile(str(path))}


def mo_problems() -> list[str]:
    if not MO.exists():
        return [f"{shown(MO)} is missing: run `make messages`"]
    with tempfile.TemporaryDirectory() as temporary:
        fresh = Path(temporary) / "django.mo"
        complaint = compile_catalogue(fresh)
        if complaint:
            return [f"msgfmt --check refuses {shown(PO)}:\n{complaint}"]
        if compiled(fresh) != compiled(MO):
            return [f"{shown(MO)} is out of step with the .po: run `make messages`"]
    return []


def check() -> int:
    import polib

    if not PO.exists():
        print(f"{shown(PO)} is missing: run `make messages`")
        return 1
    po = polib.pofile(str(PO))
    catalogued = {key(entry) for entry in po if not entry.obsolete}
    missing = sorted(extracted_keys() - catalogued)
    problems = [f"not in the Welsh catalogue (run `make messages`): {label(k)}" for k in missing]
    problems += catalogue_problems(po) + mo_problems()
    if problems:
        print(f"{shown(PO)}: {len(problems)} problem(s)")
        print("\n".join(f"  {problem}" for problem in problems))
        return 1
    print(f"{shown(PO)}: {len(catalogued)} messages, all in Welsh, compiled")
    return 0


def main(argv: list[str]) -> int:
    absent = missing_tools()
    if absent:
        print(
            f"GNU gettext is needed to check the translations ({', '.join(absent)} not found): "
            "install it, e.g. `apt-get install gettext` (Debian/Ubuntu) or `brew install gettext`."
        )
        return 2
    sys.path.insert(0, str(ROOT))
    if argv[1:] == ["--compile"]:
        complaint = compile_catalogue(MO)
        print(complaint or f"compiled {shown(MO)}")
        return 1 if complaint else 0
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
