"""tools/check_translations.py, run by `make lint`: it fails, naming the message, when a string
is marked in our code but missing from the Welsh catalogue, or when the catalogue has an
untranslated or fuzzy message or a translation that lost a placeholder."""

import importlib.util
import shutil

import polib
import pytest

from tests.i18n.catalogue import ROOT, needs_msgfmt


@pytest.fixture
def tool():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "tools" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(msgid, msgstr="", **extra):
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **extra)


def test_the_real_catalogue_passes(tool):
    assert tool.catalogue_problems(polib.pofile(str(tool.PO))) == []


def test_untranslated_fuzzy_and_broken_messages_are_each_named(tool):
    po = polib.POFile()
    po.metadata = {"Plural-Forms": "nplurals=6; plural=(n==0) ? 0 : 5;"}
    po.extend(
        [
            entry("Search", "Chwilio"),
            entry("Share this"),
            entry("Menu", "Dewislen", flags=["fuzzy"]),
            entry("Go to the %(name)s home page", "Ewch i'r hafan"),
            entry(
                "%(counter)s story",
                msgid_plural="%(counter)s stories",
                msgstr_plural={0: "%(counter)s stori", 1: "%(counter)s stori"},
            ),
        ]
    )
    problems = tool.catalogue_problems(po)
    assert problems == [
        "untranslated: 'Share this'",
        "fuzzy (check the Welsh, then remove the fuzzy flag): 'Menu'",
        'placeholders or HTML differ from the English in "Ewch i\'r hafan": '
        "'Go to the %(name)s home page'",
        "untranslated: '%(counter)s story'",
    ]


@needs_msgfmt
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_a_new_string_without_its_welsh_fails_the_check(tool, tmp_path, monkeypatch, capsys):
    """The extraction runs on a copy of the sources: here, sources holding one new template."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "new.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody has put into Welsh yet" %}</p>'
    )
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.extracted_keys() == {("", "A sentence nobody has put into Welsh yet", "")}

    assert tool.check() == 1
    assert (
        "not in the Welsh catalogue (run `make messages`): "
        "'A sentence nobody has put into Welsh yet'" in capsys.readouterr().out
    )
