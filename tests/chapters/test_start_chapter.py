"""Admin → Chapters → "Start a chapter": the provisioning of `create_chapter`, in one
transaction, with the command's own checks and messages, and the first editor's invitation."""

import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import Collection, GroupPagePermission, Page, Site, Workflow

from chapters.models import Chapter
from sites.models import SiteSettings

START_URL = "/admin/chapters/new/"
INDEX_URL = "/admin/chapters/"
LINK = re.compile(r"https?://\S+/admin/password_reset/confirm/\S+/")

GOOD = {
    "name": "Leeds Connects",
    "city": "Leeds",
    "region": "yorkshire",
    "towns": "Headingley\nChapel Allerton, Roundhay",
    "slug": "leeds",
    "hostname": "leeds.localhost",
    "languages": ["en", "cy"],
    "primary_colour": "#0b3d2e",
    "accent_colour": "#a4262c",
    "background_colour": "#ffffff",
    "editor_email": "Ada.Leeds@Example.org",
    "editor_name": "Ada Lovelace",
}


def counts() -> dict:
    return {
        "chapters": Chapter.objects.count(),
        "sites": Site.objects.count(),
        "pages": Page.objects.count(),
        "groups": Group.objects.count(),
        "users": get_user_model().objects.count(),
        "collections": Collection.objects.count(),
        "settings": SiteSettings.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "workflows": Workflow.objects.count(),
    }


def start(client, **changes):
    return client.post(START_URL, {**GOOD, **changes})


def test_the_form_offers_every_field_and_a_busy_button(national_client):
    response = national_client.get(START_URL)
    assert response.status_code == 200
    page = response.content.decode()
    for name in GOOD:
        assert f'name="{name}"' in page
    assert 'value="cy"' in page and 'value="en"' in page
    assert 'type="color"' in page
    # Wagtail's long-running button: disabled, with "Starting the chapter…", once submitted.
    assert "button-longrunning" in page and "Starting the chapter…" in page
    assert "chapters/contrast-preview.js" in page
    assert 'aria-live="polite"' in page


def test_starting_a_chapter_makes_everything_create_chapter_makes(
    national_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(national_client)
    assert response.status_code == 302
    assert response.url == INDEX_URL

    chapter = Chapter.objects.select_related("site").get(slug="leeds")
    assert (chapter.name, chapter.city, chapter.region) == ("Leeds Connects", "Leeds", "yorkshire")
    assert chapter.town_list == ["Headingley", "Chapel Allerton", "Roundhay"]
    assert chapter.site.hostname == "leeds.localhost"
    home = chapter.site.root_page.specific
    assert home.live and home.__class__.__name__ == "ChapterHomePage"
    sections = list(home.get_children().live().values_list("title", flat=True))
    assert sections == ["About", "Stories", "Get involved", "News", "Newsletter"]
    assert chapter.editors_group.name == "Leeds Connects editors"
    assert chapter.moderators_group.name == "Leeds Connects moderators"
    assert chapter.collection.name == "Leeds Connects"
    settings = SiteSettings.for_site(chapter.site)
    assert (settings.primary_colour, settings.accent_colour) == ("#0b3d2e", "#a4262c")
    assert set(settings.locales_offered.values_list("language_code", flat=True)) == {"en", "cy"}
    editor = get_user_model().objects.get(email="Ada.Leeds@example.org")
    assert (editor.first_name, editor.last_name) == ("Ada", "Lovelace")
    assert not editor.has_usable_password()
    assert list(editor.groups.all()) == [chapter.editors_group]

    listing = national_client.get(INDEX_URL).content.decode()
    assert "Leeds Connects" in listing
    assert 'href="http://leeds.localhost/"' in listing  # the success message's links
    assert 'href="http://leeds.localhost/admin/"' in listing
    assert len(mailoutbox) == 1


def test_the_invitation_lets_the_new_editor_set_a_password_and_run_their_site(
    national_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(national_client)
    (mail,) = mailoutbox
    assert mail.to == ["Ada.Leeds@example.org"]
    assert "Leeds Connects" in mail.subject
    assert "Dear Ada," in mail.body and "http://leeds.localhost/" in mail.body
    link = LINK.search(mail.body).group(0)
    assert link.startswith("http://leeds.localhost/admin/password_reset/confirm/")

    invitee = Client(HTTP_HOST="leeds.localhost")
    form_page = invitee.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    assert "set-password" in set_password_url
    done = invitee.post(
        set_password_url,
        {"new_password1": "a-long-leeds-passphrase", "new_password2": "a-long-leeds-passphrase"},
    )
    assert done.status_code == 302
    editor = get_user_model().objects.get(email="Ada.Leeds@example.org")
    assert editor.check_password("a-long-leeds-passphrase")
    # The link works once.
    again = invitee.get(link, follow=True)
    assert again.redirect_chain == []
    assert 'name="new_password1"' not in again.content.decode()

    invitee.force_login(editor)
    about = Chapter.objects.get(slug="leeds").site.root_page.get_children().get(slug="about")
    assert invitee.get(f"/admin/pages/{about.pk}/edit/").status_code == 200


def test_an_existing_account_is_added_and_told_to_sign_in(
    national_client, coventry_editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(national_client, editor_email=coventry_editor.email.upper())
    chapter = Chapter.objects.get(slug="leeds")
    assert coventry_editor.groups.filter(pk=chapter.editors_group_id).exists()
    assert coventry_editor.has_usable_password()
    (mail,) = mailoutbox
    assert mail.to == [coventry_editor.email]
    assert LINK.search(mail.body) is None
    assert "http://leeds.localhost/admin/" in mail.body


def _command_error(slug: str, data: dict) -> str:
    options = {
        key: value
        for key, value in data.items()
        if key not in {"slug", "languages", "towns"} and value != ""
    }
    with pytest.raises(CommandError) as raised:
        call_command(
            "create_chapter",
            slug,
            languages=",".join(data["languages"]),
            towns=data["towns"].replace("\n", ","),
            stdout=io.StringIO(),
            **options,
        )
    return str(raised.value)


BAD_INPUT = {
    "duplicate slug": ({"slug": "coventry"}, "already exists with the hostname"),
    "duplicate hostname": ({"hostname": "coventry.localhost"}, "already used by the site"),
    "national hostname": ({"hostname": "localhost"}, "already used by the site"),
    "hostname with a scheme": ({"hostname": "https://leeds.example.org/"}, "is not a hostname"),
    "hostname with a space": ({"hostname": "leeds example.org"}, "is not a hostname"),
    "hostname with an underscore": ({"hostname": "leeds_1.example.org"}, "is not a hostname"),
    "bad slug": ({"slug": "Leeds Town!"}, "lowercase letters"),
    "no name": ({"name": "   "}, "needs a name"),
    "name of another chapter": ({"name": "Connecting for Good Coventry"}, "already used"),
    "name of the national group": ({"name": "National"}, "already used"),
    "bad colour": ({"primary_colour": "#12345g"}, "#RRGGBB"),
    "colour word": ({"background_colour": "red"}, "#RRGGBB"),
    "low contrast": ({"accent_colour": "#ffd700"}, "contrast ratio"),
    "unreadable body text": ({"background_colour": "#333333"}, "Body text"),
    "bad email": ({"editor_email": "ada@@example"}, "is not an email address"),
    "email with a header": ({"editor_email": "ada@example.org\nBcc: x@y.z"}, "not an email"),
    "unknown language": ({"languages": ["en", "xx"]}, "Unknown language code(s): xx"),
    "unknown region": ({"region": "Atlantis"}, "Unknown region 'Atlantis'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_shows_the_commands_message_and_writes_nothing(
    national_client, mailoutbox, django_capture_on_commit_callbacks, case
):
    changes, expected = BAD_INPUT[case]
    data = {**GOOD, **changes}
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = national_client.post(START_URL, data)
    assert response.status_code == 400
    form_errors = [str(m) for errors in response.context["form"].errors.values() for m in errors]
    assert expected in " ".join(form_errors)
    page = response.content.decode()
    for message in form_errors:
        assert html.escape(message) in page
    assert counts() == before
    assert mailoutbox == []

    command_message = _command_error(data["slug"], data)
    assert command_message == " ".join(form_errors)
    assert counts() == before


def test_the_admin_asks_for_the_first_editor(national_client):
    before = counts()
    response = start(national_client, editor_email="")
    assert response.status_code == 400
    assert response.context["form"].errors["editor_email"] == [
        "Enter the first editor's email address."
    ]
    assert counts() == before


def test_the_command_takes_a_region_by_its_english_name(network):
    call_command(
        "create_chapter", "hull", name="Hull Hearts", hostname="hull.localhost",
        region="yorkshire and the humber", stdout=io.StringIO(),
    )  # fmt: skip
    assert Chapter.objects.get(slug="hull").region == "yorkshire"


def test_a_blank_short_name_is_made_from_the_city(national_client):
    response = start(national_client, slug="", city="Bradford", name="Bradford Together",
                     hostname="bradford.localhost")  # fmt: skip
    assert response.status_code == 302
    assert Chapter.objects.get(slug="bradford").name == "Bradford Together"


def test_the_same_details_twice_are_refused_the_second_time(national_client):
    assert start(national_client).status_code == 302
    before = counts()
    again = start(national_client, editor_email="someone.else@example.org")
    assert again.status_code == 400
    assert "The chapter 'leeds' already exists." in html.unescape(again.content.decode())
    assert counts() == before


def test_a_failure_during_provisioning_writes_nothing(national_client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("chapters.provisioning.assign_approval_workflow", boom)
    before = counts()
    national_client.raise_request_exception = False
    response = start(national_client)
    assert response.status_code == 500
    assert counts() == before
