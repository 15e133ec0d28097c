"""Wagtail admin views that answered for every site, scoped (chapters.admin_guards).

Each is tried by a chapter editor against the national site and against another chapter — Leeds,
made by `create_chapter` in the test — with draft markers that must never appear in a response,
its JSON or the flash message on the page it redirects to; the database is unchanged by a
refused request; and every refusal has a positive control.
"""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.admin import urls as admin_urls
from wagtail.contrib.forms.models import FormSubmission
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission, Locale, Page, Revision, Workflow
from wagtail_localize.models import Translation, TranslationSource

from chapters import admin_guards
from chapters.admin_guards import PAGE_ARGUMENTS, _patterns, guard_admin_urls
from chapters.provisioning import grant_admin_access
from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.helpers import admin_home, assert_no_leak, assert_refused, body, form_data, logged_in

Image = get_image_model()
Document = get_document_model()

NATIONAL_DRAFT = "National draft: embargoed spring relaunch"
COVENTRY_DRAFT = "Coventry draft: the Foleshill lunch club plan"
LEEDS_DRAFT = "Leeds draft: Chapeltown befriending pilot"
NATIONAL_IMAGE = "National image: press kit portrait"
COVENTRY_IMAGE = "Coventry image: Rose at the allotment"
LEEDS_IMAGE = "Leeds image: Kirkgate market stall"
NATIONAL_DOCUMENT = "National document: board minutes"
LEEDS_DOCUMENT = "Leeds document: volunteer rota"
SUBMITTER = "resident.private@example.org"


def _draft(page: Page, title: str) -> Page:
    """An unpublished draft with a new title; the live page keeps its title."""
    page = page.specific
    page.title = title
    page.save_revision()
    return Page.objects.get(pk=page.pk)


def _image(collection: Collection, title: str):
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection)


def _document(collection: Collection, title: str):
    document = Document(title=title, collection=collection)
    document.file.save("private.txt", ContentFile(b"private"), save=False)
    document.save()
    return document


@pytest.fixture
def scene(network, leeds):
    """A draft on the national, Coventry and Leeds "about" pages; images and documents in
    each site's collection."""
    about = {
        "national": network.national_page("about"),
        "coventry": network.coventry_page("about"),
        "leeds": leeds.site.root_page.get_children().get(slug="about"),
    }
    drafts = {"national": NATIONAL_DRAFT, "coventry": COVENTRY_DRAFT, "leeds": LEEDS_DRAFT}
    pages = {key: _draft(page, drafts[key]) for key, page in about.items()}
    national_collection = Collection.get_first_root_node()
    return {
        "pages": pages,
        "drafts": drafts,
        "images": {
            "national": _image(national_collection, NATIONAL_IMAGE),
            "coventry": _image(network.coventry.collection, COVENTRY_IMAGE),
            "leeds": _image(leeds.collection, LEEDS_IMAGE),
        },
        "documents": {
            "national": _document(national_collection, NATIONAL_DOCUMENT),
            "leeds": _document(leeds.collection, LEEDS_DOCUMENT),
        },
    }


# Who tries what: (client fixture, their own site, the foreign sites).
EDITORS = {
    "leeds": ("leeds_client", "leeds", ["national", "coventry"]),
    "coventry": ("coventry_client", "coventry", ["national", "leeds"]),
}


@pytest.fixture(params=sorted(EDITORS))
def editor(request, scene):
    fixture, own, foreign = EDITORS[request.param]
    return request.getfixturevalue(fixture), own, foreign


def _revision_count() -> int:
    return Revision.objects.count()


# --- the page chooser's "chosen" steps -------------------------------------------------------


def _chosen(client, *ids):
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    return client.get(url, {"id": [str(i) for i in ids]})


def test_chosen_pages_answer_for_ones_own_pages_only(editor, scene):
    client, own, foreign = editor
    pages = scene["pages"]
    response = _chosen(client, *(pages[key].pk for key in [own, *foreign]))
    assert response.status_code == 200
    result = json.loads(response.content)["result"]
    assert [item["id"] for item in result] == [pages[own].pk]
    assert result[0]["adminTitle"] == scene["drafts"][own]  # the editor's own draft title
    assert_no_leak(response, [scene["drafts"][key] for key in foreign], "chosen-multiple")


def test_chosen_pages_never_answer_for_the_tree_root_or_bad_ids(leeds_client, scene):
    response = _chosen(leeds_client, 1)
    assert response.status_code == 200
    assert json.loads(response.content)["result"] == []
    bad = leeds_client.get(reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": "x1"})
    assert bad.status_code == 400


def test_national_editor_gets_the_national_draft_title(national_client, scene):
    response = _chosen(national_client, scene["pages"]["national"].pk)
    assert json.loads(response.content)["result"][0]["adminTitle"] == NATIONAL_DRAFT


HOSTS = {"national": NATIONAL_HOST, "coventry": COVENTRY_HOST, "leeds": LEEDS_HOST}


def _external_link(client, url):
    return client.post(
        reverse("wagtailadmin_choose_page_external_link"),
        {"external-link-chooser-url": url, "external-link-chooser-link_text": ""},
    )


def test_another_sites_url_stays_an_external_link(editor, scene):
    client, own, foreign = editor
    for key in foreign:
        url = f"http://{HOSTS[key]}/about/"
        response = _external_link(client, url)
        assert response.status_code == 200
        result = json.loads(response.content)["result"]
        assert "id" not in result, f"{url} was turned into a link to a page"
        assert result["url"] == url
        assert_no_leak(response, [scene["drafts"][key]], f"external link {url}")


def test_ones_own_url_becomes_a_link_to_the_page(editor, scene):
    """The positive control, and the guard on Wagtail reading the site root paths we give it."""
    client, own, _ = editor
    response = _external_link(client, f"http://{HOSTS[own]}/about/")
    result = json.loads(response.content)["result"]
    assert result["id"] == scene["pages"][own].pk
    assert result["adminTitle"] == scene["drafts"][own]


# --- workflow views: no flash message naming a foreign page -------------------------------------


def _foreign_task_state(network, national_editor):
    """A real task state (Coventry's home in moderation), so the ids in the URLs exist."""
    home = network.coventry_home
    workflow = home.get_workflow() or Workflow.objects.filter(active=True).first()
    state = workflow.start(home, national_editor)
    return state.current_task_state


WORKFLOW_URLS = {
    "workflow_preview": lambda page, ts: [page.pk, ts.task_id],
    "workflow_action": lambda page, ts: [page.pk, "approve", ts.pk],
    "collect_workflow_action_data": lambda page, ts: [page.pk, "approve", ts.pk],
}


@pytest.mark.parametrize("name", sorted(WORKFLOW_URLS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_workflow_views_do_not_name_a_foreign_page(
    name, method, editor, scene, network, national_editor
):
    client, own, foreign = editor
    task_state = _foreign_task_state(network, national_editor)
    for key in foreign:
        page = scene["pages"][key]
        url = reverse(f"wagtailadmin_pages:{name}", args=WORKFLOW_URLS[name](page, task_state))
        before = (_revision_count(), Page.objects.get(pk=page.pk).live_revision_id)
        response = getattr(client, method)(url)
        assert_refused(client, response, [scene["drafts"][key]], f"{method.upper()} {url}")
        assert (_revision_count(), Page.objects.get(pk=page.pk).live_revision_id) == before


def test_the_editor_of_the_page_still_gets_wagtails_answer(leeds_client, scene):
    """The positive control: for one's own page Wagtail's view runs (and says it is not in
    moderation)."""
    page = scene["pages"]["leeds"]
    url = reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, 1])
    response = leeds_client.get(url, follow=True)
    assert LEEDS_DRAFT in body(response)


def test_a_reviewer_outside_the_tree_may_still_act_on_the_step(network, scene, national_editor):
    """Approvers of a group approval task reach the page through the task, not the tree: a
    reviewer in a group of the task's, with no page permission of its own."""
    home = network.coventry_home
    state = home.get_workflow().start(home, national_editor).current_task_state
    reviewers = Group.objects.create(name="Outside reviewers")
    grant_admin_access(reviewers)
    state.task.specific.groups.add(reviewers)
    reviewer = get_user_model().objects.create_user("outside-reviewer", password="x")
    reviewer.groups.add(reviewers)
    client = logged_in(reviewer)
    url = reverse("wagtailadmin_pages:workflow_preview", args=[home.pk, state.task_id])
    assert client.get(url).status_code == 200


# --- set position / chosen-multiple on the tree root: no 500 -----------------------------------


def test_moving_the_tree_root_is_refused_not_a_500(leeds_client, superuser, client, scene):
    url = reverse("wagtailadmin_pages:set_page_position", args=[1])
    assert_refused(leeds_client, leeds_client.post(url), [], "set_position on the root")
    client.force_login(superuser)
    assert client.post(url).status_code == 302


def test_set_position_still_orders_ones_own_pages(leeds_client, leeds):
    home = leeds.site.root_page
    first = home.get_children().first()
    url = reverse("wagtailadmin_pages:set_page_position", args=[first.pk])
    response = leeds_client.post(f"{url}?position=1")
    assert response.status_code == 200
    assert list(home.get_children()).index(Page.objects.get(pk=first.pk)) == 1


# --- wagtail-localize's report and snippets API -----------------------------------------------


def _story(site, title, *, live, reach=Story.Reach.LOCAL, email=""):
    story = Story.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-").replace(":", "")[:60],
        quote="A quote",
        site=site,
        reach=reach,
        live=live,
        submitter_email=email,
    )
    story.save_revision()
    return story


def test_localize_snippets_api_lists_what_the_story_chooser_offers(
    network, leeds, leeds_client, national_client
):
    national = _story(network.national_site, "National draft story", live=False)
    coventry = _story(network.coventry_site, "Coventry draft story", live=False)
    own = _story(leeds.site, "Leeds own draft story", live=False)
    shared = _story(network.national_site, "Shared story", live=True, reach=Story.Reach.NETWORK)
    listing = reverse("wagtail_localize:snippets_api_listing", args=["stories", "story"])
    response = leeds_client.get(listing)
    assert response.status_code == 200
    titles = {item["title"] for item in json.loads(response.content)}
    assert own.title in titles and shared.title in titles
    assert_no_leak(response, [national.title, coventry.title], "localize snippets API")
    for story in (national, coventry):
        detail = reverse(
            "wagtail_localize:snippets_api_detail", args=["stories", "story", story.pk]
        )
        answer = leeds_client.get(detail)
        assert answer.status_code == 404
        assert_no_leak(answer, [story.title], detail)
    everything = national_client.get(listing)
    assert national.title in body(everything) and coventry.title in body(everything)


def test_localize_snippets_api_refuses_other_snippets_to_chapter_editors(leeds_client, network):
    listing = reverse("wagtail_localize:snippets_api_listing", args=["coalition", "member"])
    response = leeds_client.get(listing)
    assert response.status_code == 200
    assert json.loads(response.content) == []


def _translation_of(instance) -> Translation:
    source, _ = TranslationSource.get_or_create_from_instance(instance)
    return Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code="cy")
    )


def test_translations_report_lists_ones_own_translations(editor, network, leeds, national_editor):
    """Each site's draft story, with a resident's name in its title, is being translated."""
    client, own, foreign = editor
    sites = {"national": network.national_site, "coventry": network.coventry_site}
    sites["leeds"] = leeds.site
    titles = {key: f"Draft story of {key.title()} resident Mrs Example" for key in sites}
    for key, site in sites.items():
        _translation_of(_story(site, titles[key], live=False))
    url = reverse("wagtail_localize:translations_report")
    response = client.get(url)
    assert response.status_code == 200
    assert_no_leak(response, [titles[key] for key in foreign], url)
    assert titles[own] in body(response)
    everything = body(logged_in(national_editor).get(url))
    assert all(title in everything for title in titles.values())  # the national team's view


# --- another site's published story: readable, but not what the resident gave that site -------


def test_inspecting_another_sites_story_hides_the_residents_email(
    network, leeds, leeds_client, coventry_editor, national_editor
):
    coventry_client, national_client = logged_in(coventry_editor), logged_in(national_editor)
    national = _story(network.national_site, "A shared national story", live=True, email=SUBMITTER)
    national.reach = Story.Reach.NETWORK
    national.save()
    leeds_story = _story(leeds.site, "A Leeds story", live=True, email=SUBMITTER)
    leeds_story.reach = Story.Reach.NETWORK
    leeds_story.save()
    for client, story in [(leeds_client, national), (coventry_client, leeds_story)]:
        url = reverse("wagtailsnippets_stories_story:inspect", args=[story.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert story.title in body(response)  # readable by design
        assert_no_leak(response, [SUBMITTER, "Consent given on"], url)
    own = reverse("wagtailsnippets_stories_story:inspect", args=[leeds_story.pk])
    assert SUBMITTER in body(leeds_client.get(own))
    url = reverse("wagtailsnippets_stories_story:inspect", args=[national.pk])
    assert SUBMITTER in body(national_client.get(url))


# --- the admin API's images and documents; bulk-action confirmations -------------------------


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_admin_api_lists_ones_own_collections_only(kind, editor, scene):
    client, own, foreign = editor
    objects = scene[kind]
    response = client.get(f"/admin/api/main/{kind}/")
    assert response.status_code == 200
    titles = {item["title"] for item in json.loads(response.content)["items"]}
    if own in objects:
        assert objects[own].title in titles
    assert_no_leak(response, [objects[key].title for key in foreign if key in objects], kind)
    for key in foreign:
        if key in objects:
            detail = client.get(f"/admin/api/main/{kind}/{objects[key].pk}/")
            assert detail.status_code == 404
            assert_no_leak(detail, [objects[key].title], f"{kind} detail")


@pytest.mark.parametrize(
    "app,model,kind",
    [("wagtailimages", "image", "images"), ("wagtaildocs", "document", "documents")],
)
def test_bulk_delete_confirmation_counts_foreign_items(app, model, kind, editor, scene):
    client, own, foreign = editor
    objects = scene[kind]
    ids = [objects[key].pk for key in foreign if key in objects]
    url = reverse("wagtail_bulk_action", args=[app, model, "delete"])
    before = (Image.objects.count(), Document.objects.count())
    response = client.get(url, {"id": ids, "next": admin_home()})
    titles = [objects[key].title for key in foreign if key in objects]
    assert_no_leak(response, titles, f"bulk delete {kind}")
    if response.status_code == 200:
        assert "An item you do not have permission to change" in body(response)
    posted = client.post(f"{url}?{'&'.join(f'id={i}' for i in ids)}")
    assert_no_leak(posted, titles, f"bulk delete {kind} POST")
    assert (Image.objects.count(), Document.objects.count()) == before


def test_bulk_delete_still_names_ones_own_images(leeds_client, scene, leeds_editor):

    GroupCollectionPermission.objects.get_or_create(
        group=leeds_editor.groups.first(),
        collection=scene["images"]["leeds"].collection,
        permission=Permission.objects.get(codename="delete_image"),
    )
    url = reverse("wagtail_bulk_action", args=["wagtailimages", "image", "delete"])
    response = leeds_client.get(url, {"id": [scene["images"]["leeds"].pk]})
    assert LEEDS_IMAGE in body(response)


# --- form submissions: exported as text, never as formulas ---------------------------------------


def test_submissions_csv_never_starts_a_cell_with_a_formula(network, coventry_client):
    form = network.coventry_page("get-involved").get_children().get(slug="volunteer").specific
    hostile = ['=HYPERLINK("http://evil.example","Click")', "+1+2", "-3", "@SUM(A1)", "\t=1"]
    for value in hostile:
        FormSubmission.objects.create(
            page=form, form_data={"your_name": value, "email_address": "a@example.org"}
        )
    url = reverse("wagtailforms:list_submissions", args=[form.pk])
    response = coventry_client.get(url, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    for value in hostile:
        assert "'" + value in cells  # kept, readable, as text


def test_guards_refuse_a_name_wagtail_no_longer_has(monkeypatch):
    monkeypatch.setitem(admin_guards.REPLACED, "wagtailadmin_no_such_view", lambda request: None)
    with pytest.raises(ImproperlyConfigured, match="wagtailadmin_no_such_view"):
        guard_admin_urls([])


def test_every_admin_view_that_takes_a_page_is_guarded(client):
    client.get("/healthz")  # the URLconf, and so the guards, are loaded

    from cms import urls  # noqa: F401  (the guards are put on at import)

    unguarded = [
        name
        for name, pattern in _patterns(admin_urls.urlpatterns)
        if any(argument in pattern.pattern.converters for argument in PAGE_ARGUMENTS)
        and name not in {"wagtailadmin_explore", "wagtailadmin_explore_results"}
        and not hasattr(pattern.callback, "__wrapped__")
    ]
    assert unguarded == []


# --- a hand-made page form: an error, never a 500 ------------------------------------------------


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda data: data.pop("body-count", None), id="no-count"),
        pytest.param(lambda data: data.update({"body-count": ["many"]}), id="garbled-count"),
        pytest.param(lambda data: data.update({"body-count": ["3"]}), id="count-beyond-blocks"),
    ],
)
def test_an_incomplete_page_body_is_a_form_error(mangle, leeds, leeds_client):
    page = leeds.site.root_page.get_children().get(slug="about")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = form_data(leeds_client.get(url))
    mangle(data)
    before = _revision_count()
    response = leeds_client.post(url, data)
    assert response.status_code == 200
    assert "This content arrived incomplete" in body(response)
    assert _revision_count() == before


def test_an_empty_external_link_form_is_asked_again(leeds_client):
    response = leeds_client.post(reverse("wagtailadmin_choose_page_external_link"), {})
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "external_link"  # the form, with its error


def test_choosing_another_sites_page_as_parent_is_refused(editor, scene):
    client, own, foreign = editor
    url = reverse("wagtailadmin_pages:choose_parent", args=["core", "standardpage"])
    for key in foreign:
        page = scene["pages"][key]
        before = Page.objects.count()
        response = client.post(url, {"parent_page": page.pk})
        assert_refused(client, response, [scene["drafts"][key]], f"choose parent {key}")
        assert Page.objects.count() == before
    response = client.post(url, {"parent_page": scene["pages"][own].pk})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailadmin_pages:add", args=["core", "standardpage", scene["pages"][own].pk]
    )
