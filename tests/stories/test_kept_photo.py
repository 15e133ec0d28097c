"""A photo chosen before a validation error on "Share your story" is not silently dropped: the
form comes back saying it is kept, and the next try (with no new file) uses it. A forged or
expired reference is ignored, never a 500. On Coventry and on Leeds (made by create_chapter)."""

import re

import pytest
from django.core import signing
from django.core.files.storage import default_storage

from cms.stories.forms import KEPT_PHOTO_SALT, KEPT_PHOTOS_DIR
from tests.conftest import COVENTRY_HOST, LEEDS_HOST
from tests.shared_chapter import leeds_param
from tests.stories.share_form import image_bytes, latest_resident_story, photo, share, valid_data

KEPT_NOTICE = "We have kept the photo you chose"


@pytest.fixture(params=["coventry", leeds_param()])
def host(request, network):
    if request.param == "leeds":
        request.getfixturevalue("leeds")
        return LEEDS_HOST
    return COVENTRY_HOST


def kept_reference(html: str) -> str:
    field = re.search(r'<input[^>]*name="kept_photo"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', field)
    return value.group(1) if value else ""


def test_a_photo_is_kept_through_an_error_and_used_on_the_next_try(
    client, host, django_capture_on_commit_callbacks
):
    first = share(
        client,
        valid_data(
            consent=None,
            photo=photo(image_bytes((40, 30), "PNG")),
            photo_description="Jean at the lunch club",
        ),
        host=host,
    )
    assert first.status_code == 200
    html = first.content.decode()
    assert "Tick the box" in html and KEPT_NOTICE in html
    reference = kept_reference(html)
    kept_name = signing.loads(reference, salt=KEPT_PHOTO_SALT)
    assert kept_name.startswith(KEPT_PHOTOS_DIR + "/") and default_storage.exists(kept_name)

    # A second error keeps the same photo, still without asking for it again.
    second = share(
        client,
        valid_data(consent=None, kept_photo=reference, photo_description="Jean at the lunch club"),
        host=host,
    )
    assert KEPT_NOTICE in second.content.decode()
    assert kept_reference(second.content.decode()) == reference

    with django_capture_on_commit_callbacks(execute=True):
        done = share(
            client,
            valid_data(kept_photo=reference, photo_description="Jean at the lunch club"),
            host=host,
        )
    assert done.status_code == 303
    story = latest_resident_story()
    assert story.site.hostname == host
    assert (story.image.width, story.image.height) == (40, 30)
    assert story.image_alt == "Jean at the lunch club"
    assert not default_storage.exists(kept_name)  # the story has its own copy


def test_a_new_photo_replaces_the_kept_one(client, host):
    first = share(
        client,
        valid_data(consent=None, photo=photo(image_bytes((40, 30))), photo_description="Old"),
        host=host,
    )
    reference = kept_reference(first.content.decode())
    done = share(
        client,
        valid_data(
            kept_photo=reference,
            photo=photo(image_bytes((20, 10), "JPEG"), "new.jpg", "image/jpeg"),
            photo_description="New",
        ),
        host=host,
    )
    assert done.status_code == 303
    assert (latest_resident_story().image.width, latest_resident_story().image.height) == (20, 10)


@pytest.mark.parametrize(
    "reference",
    [
        "forged",
        signing.dumps("media/../../etc/passwd", salt=KEPT_PHOTO_SALT),
        signing.dumps(f"{KEPT_PHOTOS_DIR}/gone.png", salt=KEPT_PHOTO_SALT),
        signing.dumps(f"{KEPT_PHOTOS_DIR}/x.png", salt="another form"),
        "x" * 5000,
    ],
    ids=["forged", "outside the folder", "gone", "another salt", "huge"],
)
def test_a_bad_reference_is_ignored_and_never_a_500(client, host, reference):
    response = share(client, valid_data(kept_photo=reference), host=host)
    assert response.status_code == 303
    assert latest_resident_story().image is None


def test_a_form_the_spam_checks_refuse_keeps_nothing(client, host):
    response = share(
        client,
        valid_data(
            website="http://spam.example", photo=photo(image_bytes()), photo_description="x"
        ),
        host=host,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert KEPT_NOTICE not in html and kept_reference(html) == ""
