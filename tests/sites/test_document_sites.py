"""/documents/<id>/<name> serves a document only on its own site's host (chapters.documents):
a chapter's collection (and those inside it) on the chapter's host, the rest on the national
host. On any other host: that site's branded 404, which does not confirm the document exists."""

import re

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.rich_text import expand_db_html

from chapters.documents import document_site, document_url
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST

HOSTS = [NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST]


def make_document(collection, title: str):
    document = get_document_model()(title=title, collection=collection)
    document.file.save(f"{title.lower().replace(' ', '-')}.txt", ContentFile(title.encode()))
    document.save()
    return document


@pytest.fixture
def documents(network, leeds) -> dict:
    """One document per site, plus one in a folder inside Coventry's collection."""
    coventry_folder = network.coventry.collection.add_child(name="Coventry minutes")
    return {
        NATIONAL_HOST: [make_document(Collection.get_first_root_node(), "National toolkit")],
        COVENTRY_HOST: [
            make_document(network.coventry.collection, "Coventry flyer"),
            make_document(coventry_folder, "Coventry minutes March"),
        ],
        LEEDS_HOST: [make_document(leeds.collection, "Leeds flyer")],
    }


def test_each_document_is_served_on_its_own_host_only(client, documents):
    for own_host, owned in documents.items():
        for document in owned:
            served = client.get(document.url, HTTP_HOST=own_host)
            assert served.status_code == 200, (document.title, own_host)
            assert b"".join(served.streaming_content) == document.title.encode()
            for host in HOSTS:
                if host == own_host:
                    continue
                refused = client.get(document.url, HTTP_HOST=host)
                assert refused.status_code == 404, (document.title, host)
                text = refused.content.decode()
                assert "Page not found" in text or "not found" in text.lower()
                assert document.title not in text  # nothing confirms it exists


def test_the_404_is_the_requesting_sites_own(client, documents, leeds):
    national = documents[NATIONAL_HOST][0]
    refused = client.get(national.url, HTTP_HOST=LEEDS_HOST)
    assert refused.status_code == 404
    assert "Leeds Connects" in refused.content.decode()
    missing = client.get("/documents/999999/nothing.txt", HTTP_HOST=LEEDS_HOST)
    assert missing.status_code == 404  # a document that does not exist looks the same
    assert "Leeds Connects" in missing.content.decode()


def test_links_to_documents_point_at_their_own_site(documents, network, leeds):
    coventry = documents[COVENTRY_HOST][1]
    assert document_site(coventry) == network.coventry_site
    assert document_url(coventry) == f"http://{COVENTRY_HOST}{coventry.url}"
    national = documents[NATIONAL_HOST][0]
    assert document_url(national) == f"http://{NATIONAL_HOST}{national.url}"
    leeds_doc = documents[LEEDS_HOST][0]
    html = expand_db_html(f'<a linktype="document" id="{leeds_doc.pk}">flyer</a>')
    assert f'href="http://{LEEDS_HOST}{leeds_doc.url}"' in html


def test_the_document_list_block_links_the_national_toolkit_on_the_national_host(client, network):
    """The demo's campaign page lists the toolkit PDF, a national document: on the national
    site the link is the site's own (relative), and it is served there and nowhere else."""
    pages = [page.specific for page in network.national_home.get_descendants().live()]
    listing = next(
        html
        for html in (
            client.get(page.url, HTTP_HOST=NATIONAL_HOST).content.decode() for page in pages
        )
        if "documents__list" in html
    )
    link = re.search(r'<a href="([^"]+)" download>', listing)[1]
    assert link.startswith("/documents/")
    assert client.get(link, HTTP_HOST=NATIONAL_HOST).status_code == 200
    assert client.get(link, HTTP_HOST=COVENTRY_HOST).status_code == 404


@pytest.mark.parametrize("host", [COVENTRY_HOST, LEEDS_HOST])
def test_a_chapter_page_links_a_national_document_on_the_national_host(rf, documents, host):
    national = documents[NATIONAL_HOST][0]
    value = {"heading": "", "documents": [{"document": national, "title": "", "description": ""}]}
    html = render_to_string(
        "blocks/document_list_block.html", {"value": value}, request=rf.get("/", HTTP_HOST=host)
    )
    assert f'href="http://{NATIONAL_HOST}{national.url}"' in html
