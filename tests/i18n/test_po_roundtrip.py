"""A translator's round trip through PO files: wagtail-localize's "Download PO file" of a page's
Welsh translation, msgstr filled in outside the admin, "Upload PO file", publish, and the Welsh
on /cy/… of the site. A chapter editor does it on their own site and is refused on another's."""

from urllib.parse import urlencode

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail_localize.models import StringTranslation

from tests.helpers import logged_in
from tests.i18n.localize_scene import offer_welsh, published_on_commit, refused, translate

WELSH = {"About": "Amdanom ni", "about": "amdanom"}


def welsh_for(msgid: str) -> str:
    """What the translator writes: the Welsh we know, else a marked Welsh stand-in."""
    return WELSH.get(msgid, f"Cymraeg: {msgid}")


def _po_upload(content: bytes, name: str = "about-cy.po") -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type="text/x-gettext-translation")}


def _urls(translation, page) -> tuple[str, str, str]:
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    download = reverse("wagtail_localize:download_pofile", args=[translation.pk])
    upload = reverse("wagtail_localize:upload_pofile", args=[translation.pk])
    return edit, download, f"{upload}?{urlencode({'next': edit})}"


@pytest.fixture
def leeds_about(leeds, leeds_editor):
    offer_welsh(leeds.site)
    about = leeds.site.root_page.get_children().get(slug="about").specific
    return translate(about, leeds_editor)


def test_po_round_trip_publishes_the_translators_welsh(leeds, leeds_editor, leeds_about):
    translation = leeds_about
    welsh_page = translation.get_target_instance()
    edit, download, upload = _urls(translation, welsh_page)
    client = logged_in(leeds_editor)

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-gettext-translation")
    po = polib.pofile(response.content.decode())
    assert "About" in {entry.msgid for entry in po}
    assert all(entry.msgstr == "" for entry in po), "nothing is translated yet"
    for entry in po:
        entry.msgstr = welsh_for(entry.msgid)

    response = client.post(upload, _po_upload(str(po).encode()))
    assert response.status_code == 302 and response["Location"] == edit
    imported = StringTranslation.objects.filter(
        locale=translation.target_locale,
        translation_of__segments__source=translation.source,
        context__object_id=translation.source.object_id,  # not another page's same words
    )
    assert set(imported.values_list("data", flat=True)) == {welsh_for(e.msgid) for e in po}

    with published_on_commit():
        assert client.post(edit, {"action": "publish"}).status_code == 302
    welsh_page.refresh_from_db()
    _, _, path = welsh_page.get_url_parts()
    assert path == "/cy/amdanom/"
    page = Client().get(path, HTTP_HOST=leeds.site.hostname)
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="cy"' in text
    assert "Amdanom ni" in text


def test_a_file_that_is_not_a_po_file_is_a_clear_error(leeds_editor, leeds_about):
    edit, _, upload = _urls(leeds_about, leeds_about.get_target_instance())
    client = logged_in(leeds_editor)
    for data in (_po_upload(b"\x00\xff not a PO file \xfe"), {}):
        response = client.post(upload, data)
        assert response.status_code == 302 and response["Location"] == edit
    messages = [str(m) for m in client.get(edit).context["messages"]]
    assert any("Please upload a valid PO file" in m for m in messages), messages
    assert any("Choose a PO file to upload" in m for m in messages), messages


def test_chapter_editor_cannot_download_or_upload_another_sites_po(
    network, leeds, leeds_editor, superuser
):
    coventry_about = network.coventry_page("about")
    translation = translate(coventry_about, superuser)
    welsh_page = translation.get_target_instance()
    _, download, upload = _urls(translation, welsh_page)
    po = polib.pofile(logged_in(superuser).get(download).content.decode())
    for entry in po:
        entry.msgstr = "Wedi'i ddwyn"  # "stolen"
    client = logged_in(leeds_editor)

    downloaded = client.get(download)
    assert refused(downloaded)
    assert "About" not in downloaded.content.decode()
    assert refused(client.post(upload, _po_upload(str(po).encode())))
    assert not StringTranslation.objects.filter(data="Wedi'i ddwyn").exists()
