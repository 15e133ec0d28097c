"""A chapter editor's own forms accept only objects their own choosers offer (issue 9, item 4).

A chooser puts an id in the form; the browser can put any id there. Coventry's and Leeds's
editors (Leeds made by `create_chapter` in the test) each post their own forms -- their home
page, a standard page's blocks, their site settings (logo, menu), their own story -- with an
object of the national site or of the other chapter substituted for what the chooser offered:
a draft page, an image, a document, a draft story. Each submission comes back (200) with the
error against the field, without the foreign object's title, and the database unchanged (no
new revision, the settings row as it was). Positive controls: their own objects are accepted, a
live network story is accepted, the national editor chooses national objects, and a foreign
object already on the instance (put there by someone allowed) survives the chapter editor's save.
"""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Collection, Locale, Page, Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.checks import check_chooser_forms, chooser_form_errors, may_hold_chosen_objects
from cms.core.models import StandardPage
from cms.demo.media import draw_photo, get_or_create_document, get_or_create_image, minimal_pdf
from cms.stories.models import Story, Theme
from sites.models import NavigationItem, SiteSettings
from tests.helpers import assert_no_leak, body, form_data, logged_in

PAGE_REFUSED = "Choose a page from your own site: this one cannot be linked here."
IMAGE_REFUSED = "Choose an image from your own collection: this one cannot be used here."
DOCUMENT_REFUSED = "Choose a document from your own collection: this one cannot be linked here."
STORY_REFUSED = (
    "Choose a story from your own site or the network: this one cannot be featured here."
)
EMBARGOED = "(embargoed draft)"  # in every title below, so that a leak is easy to read


# --- the scene: each site's draft page, image, document and draft story ----------------------


@dataclass
class Holdings:
    """What one site owns, each titled so that a leak of it is caught."""

    page: Page
    image: object
    document: object
    story: Story | None


@dataclass
class Side:
    """One chapter as its editor sees it: its own things and the others'."""

    name: str
    editor: object
    client: object
    site: object
    home: Page
    about: StandardPage
    own: Holdings
    national: Holdings
    other_chapter: Holdings


def _holdings(site, home, collection, name: str, user) -> Holdings:
    page = home.add_child(
        instance=StandardPage(
            title=f"{name} page {EMBARGOED}", slug=f"{name.lower()}-plan", live=False
        )
    )
    page.save_revision(user=user)
    image = get_or_create_image(
        f"{name} photo {EMBARGOED}",
        draw_photo(("#224466", "#88aacc"), name, size=(40, 30)),
        f"{name.lower()}-photo.png",
        collection,
    )
    document = get_or_create_document(
        f"{name} toolkit {EMBARGOED}",
        minimal_pdf(name, ["plans"]),
        f"{name.lower()}-toolkit.pdf",
        collection,
    )
    story = None
    if name != "National":
        story = Story.objects.create(
            title=f"{name} story {EMBARGOED}",
            slug=f"{name.lower()}-draft-story",
            quote="Not yet agreed with the resident.",
            site=site,
            reach=Story.Reach.LOCAL,
            consent_given_on=datetime.date(2024, 3, 1),
            locale=Locale.get_default(),
            live=False,
        )
        story.save_revision(user=user)
    return Holdings(page, image, document, story)


@pytest.fixture
def holdings(network, leeds, coventry_editor, leeds_editor, national_editor):
    national = _holdings(
        network.national_site,
        network.national_home,
        Collection.objects.get(name="National"),
        "National",
        national_editor,
    )
    coventry = _holdings(
        network.coventry_site,
        network.coventry_home,
        network.coventry.collection,
        "Coventry",
        coventry_editor,
    )
    leeds_side = _holdings(
        leeds.site, leeds.site.root_page.specific, leeds.collection, "Leeds", leeds_editor
    )
    return {"national": national, "coventry": coventry, "leeds": leeds_side}


@pytest.fixture(params=["coventry", "leeds"])
def side(request, network, leeds, coventry_editor, leeds_editor, holdings) -> Side:
    chapters = {"coventry": (network.coventry, coventry_editor), "leeds": (leeds, leeds_editor)}
    chapter, editor = chapters[request.param]
    other = "leeds" if request.param == "coventry" else "coventry"
    home = chapter.site.root_page.specific
    return Side(
        name=request.param,
        editor=editor,
        client=logged_in(editor),
        site=chapter.site,
        home=home,
        about=home.get_children().get(slug="about").specific,
        own=holdings[request.param],
        national=holdings["national"],
        other_chapter=holdings[other],
    )


@pytest.fixture
def network_story(network, national_editor) -> Story:
    """Live and promoted to the network: every site may feature it."""
    story = Story.objects.create(
        title="Rose and the street party",
        slug="rose-street-party",
        quote="We all came out.",
        site=network.national_site,
        reach=Story.Reach.NETWORK,
        consent_given_on=datetime.date(2024, 3, 1),
        locale=Locale.get_default(),
        live=True,
    )
    story.save_revision(user=national_editor).publish(user=national_editor)
    return story


# --- posting what a browser posts -------------------------------------------------------------


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def settings_url(site) -> str:
    return reverse("wagtailsettings:edit", args=["network_sites", "sitesettings", site.pk])


def story_edit_url(story: Story) -> str:
    return reverse(Story.snippet_viewset.get_url_name("edit"), args=[story.pk])


def list_block(values) -> dict:
    """A ListBlock's form data, as the StreamField editor writes it."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index)}
        for index, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def call_to_action(page) -> tuple:
    return ("call_to_action", {"label": "Join us", "page": str(page.pk), "url": "", "style": ""})


def image_block(image) -> tuple:
    chosen = {"image": str(image.pk), "decorative": "", "alt_text": "Neighbours at the party"}
    return ("image", {"image": chosen, "caption": "", "credit": ""})


def documents_block(document) -> tuple:
    item = {"document": str(document.pk), "title": "", "description": ""}
    return ("documents", {"heading": "Downloads", "documents": list_block([item])})


def featured_stories(story) -> tuple:
    return (
        "featured_stories",
        {
            "heading": "Stories",
            "mode": "chosen",
            "stories": list_block([str(story.pk)]),
            "theme": "",
            "count": "3",
        },
    )


def paragraph(html: str) -> tuple:
    return ("paragraph", rich_text(html, features=RICH_TEXT_FEATURES))


def page_post(client, page, body_blocks=(), **fields):
    """The page's edit form as the browser posts it, with `fields` and the body replaced."""
    data = form_data(client.get(edit_url(page)))
    data.update(nested_form_data({"body": streamfield(list(body_blocks))}))
    data.update({name: [str(value)] for name, value in fields.items()})
    return client.post(edit_url(page), data)


def revisions(page_or_story) -> list[int]:
    return list(
        Revision.objects.filter(
            base_content_type=page_or_story.get_base_content_type(),
            object_id=str(page_or_story.pk),
        ).values_list("pk", flat=True)
    )


def settings_snapshot(site) -> tuple:
    settings = SiteSettings.objects.get(site=site)
    return (
        settings.logo_id,
        settings.email_logo_id,
        settings.updated_at,
        list(settings.navigation_items.values_list("pk", "page_id", "url", "label")),
    )


def assert_refused_choice(response, message: str, foreign, where: str) -> None:
    """The form came back with `message` and without the foreign object's title."""
    assert response.status_code == 200, f"{where} was accepted ({response.status_code})"
    assert message in body(response), f"{where}: no error saying {message!r}"
    assert_no_leak(response, [foreign.title], where)


def form_errors(response) -> str:
    """What a rejected form said, for the message of a failed positive control."""
    form = (getattr(response, "context", None) or {}).get("form")
    if form is None:
        return f"status {response.status_code}"
    children = [
        child.errors for formset in form.formsets.values() for child in formset if child.errors
    ]
    return f"{form.errors.as_data()} {children}"


def latest(page: Page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


# --- pages: chooser fields on the page itself --------------------------------------------------

FOREIGN = ["national", "other_chapter"]


@pytest.mark.parametrize("whose", FOREIGN)
@pytest.mark.parametrize(
    "field, kind, message",
    [("hero_image", "image", IMAGE_REFUSED), ("hero_cta_page", "page", PAGE_REFUSED)],
)
def test_home_page_refuses_a_foreign_choice(side, whose, field, kind, message):
    foreign = getattr(getattr(side, whose), kind)
    before = revisions(side.home)
    response = page_post(side.client, side.home, **{field: foreign.pk, "hero_cta_label": "Go"})
    assert_refused_choice(response, message, foreign, f"{side.name} home {field} <- {whose}")
    assert revisions(side.home) == before
    assert getattr(latest(side.home), f"{field}_id") != foreign.pk


@pytest.mark.parametrize("field, kind", [("hero_image", "image"), ("hero_cta_page", "page")])
def test_home_page_accepts_the_editors_own_choice(side, field, kind):
    own = getattr(side.own, kind)
    response = page_post(side.client, side.home, **{field: own.pk, "hero_cta_label": "Go"})
    assert response.status_code == 302, form_errors(response)
    assert getattr(latest(side.home), f"{field}_id") == own.pk


def test_a_nonexistent_id_gets_the_same_error(side):
    before = revisions(side.home)
    response = page_post(side.client, side.home, hero_image=987654)
    assert response.status_code == 200
    assert IMAGE_REFUSED in body(response)
    assert revisions(side.home) == before


def test_preview_refuses_a_foreign_image(side):
    """The preview would render the foreign image to the editor: it is refused too."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[side.home.pk])
    data = form_data(side.client.get(edit_url(side.home)))
    data.update(nested_form_data({"body": streamfield([])}))
    data["hero_image"] = [str(side.national.image.pk)]
    response = side.client.post(url, data)
    assert response.status_code == 200
    assert json.loads(response.content)["is_valid"] is False
    data["hero_image"] = [str(side.own.image.pk)]
    assert json.loads(side.client.post(url, data).content)["is_valid"] is True


# --- pages: chooser blocks and rich text in the body -------------------------------------------

BLOCKS = {
    "call to action": (call_to_action, "page", PAGE_REFUSED),
    "image": (image_block, "image", IMAGE_REFUSED),
    "documents": (documents_block, "document", DOCUMENT_REFUSED),
    "page link": (
        lambda page: paragraph(f'<p><a linktype="page" id="{page.pk}">x</a></p>'),
        "page",
        PAGE_REFUSED,
    ),
    "document link": (
        lambda doc: paragraph(f'<p><a linktype="document" id="{doc.pk}">x</a></p>'),
        "document",
        DOCUMENT_REFUSED,
    ),
}


@pytest.mark.parametrize("whose", FOREIGN)
@pytest.mark.parametrize("block", BLOCKS)
def test_standard_page_blocks_refuse_a_foreign_choice(side, block, whose):
    make, kind, message = BLOCKS[block]
    foreign = getattr(getattr(side, whose), kind)
    before = revisions(side.about)
    response = page_post(side.client, side.about, [paragraph("<p>Hello</p>"), make(foreign)])
    assert_refused_choice(response, message, foreign, f"{side.name} about {block} <- {whose}")
    assert revisions(side.about) == before


@pytest.mark.parametrize("block", BLOCKS)
def test_standard_page_blocks_accept_the_editors_own_choice(side, block):
    make, kind, _message = BLOCKS[block]
    own = getattr(side.own, kind)
    response = page_post(side.client, side.about, [make(own)])
    assert response.status_code == 302, form_errors(response)
    saved = latest(side.about).body
    assert str(own.pk) in {
        pk for _model, pk, *_paths in saved.stream_block.extract_references(saved)
    }


def test_a_nonexistent_page_in_a_block_saves_nothing(side):
    """Wagtail's chooser block turns an unknown id into no choice: the block's own check
    ("Choose a page or enter a URL") refuses it, and nothing is saved."""
    before = revisions(side.about)
    response = page_post(
        side.client,
        side.about,
        [("call_to_action", {"label": "Go", "page": "987654", "url": "", "style": ""})],
    )
    assert response.status_code == 200
    assert "Choose a page or enter a URL" in body(response)
    assert revisions(side.about) == before


def test_featured_stories_refuse_another_sites_draft_story(side):
    foreign = side.other_chapter.story
    before = revisions(side.about)
    response = page_post(side.client, side.about, [featured_stories(foreign)])
    assert_refused_choice(response, STORY_REFUSED, foreign, f"{side.name} featured stories")
    assert revisions(side.about) == before


@pytest.mark.parametrize("which", ["own draft", "network"])
def test_featured_stories_accept_own_and_network_stories(side, network_story, which):
    story = side.own.story if which == "own draft" else network_story
    response = page_post(side.client, side.about, [featured_stories(story)])
    assert response.status_code == 302, form_errors(response)
    chosen = latest(side.about).body[0].value["stories"]
    assert [each.pk for each in chosen] == [story.pk]


# --- site settings: the logo and the menu (an inline child form) ------------------------------


def settings_post(client, site, **changes):
    data = form_data(client.get(settings_url(site)))
    if "menu_page" in changes:
        page_pk = changes.pop("menu_page")
        if data["navigation_items-TOTAL_FORMS"] == ["0"]:
            data.update(
                {
                    "navigation_items-TOTAL_FORMS": ["1"],
                    "navigation_items-0-ORDER": ["0"],
                    "navigation_items-0-DELETE": [""],
                    "navigation_items-0-url": [""],
                    "navigation_items-0-label": [""],
                }
            )
        data["navigation_items-0-page"] = [str(page_pk)]
    data.update({name: [str(value)] for name, value in changes.items()})
    return client.post(settings_url(site), data)


@pytest.mark.parametrize("whose", FOREIGN)
@pytest.mark.parametrize(
    "change, kind, message",
    [
        ("logo", "image", IMAGE_REFUSED),
        ("email_logo", "image", IMAGE_REFUSED),
        ("menu_page", "page", PAGE_REFUSED),
    ],
)
def test_site_settings_refuse_a_foreign_choice(side, whose, change, kind, message):
    foreign = getattr(getattr(side, whose), kind)
    before = settings_snapshot(side.site)
    response = settings_post(side.client, side.site, **{change: foreign.pk})
    assert_refused_choice(response, message, foreign, f"{side.name} settings {change} <- {whose}")
    assert settings_snapshot(side.site) == before


@pytest.mark.parametrize("change, kind", [("logo", "image"), ("menu_page", "page")])
def test_site_settings_accept_the_editors_own_choice(side, change, kind):
    own = getattr(side.own, kind)
    response = settings_post(side.client, side.site, **{change: own.pk})
    assert response.status_code == 302, form_errors(response)
    settings = SiteSettings.objects.get(site=side.site)
    chosen = {settings.logo_id} | set(settings.navigation_items.values_list("page_id", flat=True))
    assert own.pk in chosen


# --- the editor's own story -------------------------------------------------------------------


def story_post(client, story, **changes):
    data = form_data(client.get(story_edit_url(story)))
    data.update({name: [str(value)] for name, value in changes.items()})
    return client.post(story_edit_url(story), data)


@pytest.mark.parametrize("whose", FOREIGN)
def test_own_story_refuses_a_foreign_image(side, whose):
    foreign = getattr(side, whose).image
    story = side.own.story
    before = revisions(story)
    response = story_post(side.client, story, image=foreign.pk, image_alt="A street party")
    assert_refused_choice(response, IMAGE_REFUSED, foreign, f"{side.name} story <- {whose}")
    assert revisions(story) == before


def test_own_story_accepts_the_editors_own_image(side):
    story = side.own.story
    response = story_post(side.client, story, image=side.own.image.pk, image_alt="A street party")
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.get_latest_revision_as_object().image_id == side.own.image.pk


# --- the national editor, and what someone allowed already put there --------------------------


def test_national_editor_chooses_national_objects(network, national_editor, holdings):
    client = logged_in(national_editor)
    national = holdings["national"]
    home = network.national_home
    response = page_post(client, home, hero_image=national.image.pk, hero_cta_page=national.page.pk)
    assert response.status_code == 302, form_errors(response)
    assert (latest(home).hero_image_id, latest(home).hero_cta_page_id) == (
        national.image.pk,
        national.page.pk,
    )
    # ...but not a chapter's draft page, which their page chooser does not offer either.
    response = page_post(client, home, hero_cta_page=holdings["coventry"].page.pk)
    assert_refused_choice(response, PAGE_REFUSED, holdings["coventry"].page, "national home")


def test_a_foreign_object_already_there_survives_the_chapter_editors_save(side, superuser):
    """An operator linked a national page into the chapter's menu and a national photo into
    its home page: the chapter's editor saves both forms as they are, and both stay."""
    national_page = side.national.page
    national_image = side.national.image
    NavigationItem.objects.create(
        settings=SiteSettings.objects.get(site=side.site),
        page=national_page,
        label="Our campaign",
        sort_order=99,
    )
    home = side.home
    home.hero_image = national_image
    home.save_revision(user=superuser)

    response = settings_post(side.client, side.site, tagline="Neighbours together")
    assert response.status_code == 302, form_errors(response)
    settings = SiteSettings.for_site(side.site)
    assert settings.tagline == "Neighbours together"
    assert national_page.pk in set(settings.navigation_items.values_list("page_id", flat=True))

    response = page_post(side.client, home, hero_heading="Connecting for good")
    assert response.status_code == 302, form_errors(response)
    assert latest(home).hero_image_id == national_image.pk
    assert latest(home).hero_heading == "Connecting for good"


# --- every admin form that can carry a chosen object checks it ---------------------------------


def test_every_admin_form_with_a_chooser_checks_it():
    assert check_chooser_forms() == []
    assert may_hold_chosen_objects(SiteSettings) and not may_hold_chosen_objects(Theme)
    # The check can fail: a settings form without the mixin is named.
    errors = chooser_form_errors([(SiteSettings, WagtailAdminModelForm)])
    assert [error.id for error in errors] == ["core.E001"]
