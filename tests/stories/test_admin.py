"""The story library in the Wagtail admin: a chapter editor works on their own site's stories,
may read what is live elsewhere, and never sees (or changes) another site's drafts.

`coventry-editor` is tried against every admin view of four stories that are not theirs: a
national story that was never published, a live national story with an unpublished rewrite, a
live Leeds story (local to Leeds) and a Leeds draft. Each refusal must be Wagtail's own
(302 -> the admin dashboard, "Sorry, you do not have permission to access this area."), carry
none of the story's texts (its live title and quote, its draft title and quote) either in the
response or on the page it redirects to, and leave the database as it was. The one exception by
design is `inspect` of a story that is live: it is read-only and shows the live version only.

Positive controls make sure the refusals cannot pass on their own: the same URLs work for
`coventry-editor` on a Coventry story and for `national-editor` (network-wide) on a Leeds story.

The admin wraps every URL that takes a story's id and checks *that* story; the other ids in the
same URL (revision, workflow state, task state) are tried too, mixed into a URL of
coventry-editor's own story, under a story workflow whose approval task Coventry's editors share
with the national team (Wagtail assigns snippet workflows per model, not per site).

Also covered: the listing and its filters and search, the chooser, the form rules (which sites
and which reach an editor may choose) and the bulk delete.

Beware: the `coventry_client` and `national_client` fixtures are the same `client` object, so a
test needing two users uses `logged_in(user)` for each. The Leeds chapter and the stories are
built once for the module (`_library_ids` in tests/stories/conftest.py) and rolled back at
its end; tests/stories/library.py holds the stories and the views under test.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import (
    Site,
    WorkflowState,
)

from cms.stories.admin import CONSENT_LAPSING_DAYS
from cms.stories.models import Story
from tests.helpers import (
    DENIED,
    admin_home,
    assert_no_leak,
    assert_refused,
    body,
    form_data,
    logged_in,
    parse_form,
)
from tests.stories.library import (
    AMIRA_TITLE,
    CHOOSER_QUERIES,
    COVENTRY_DRAFT_TITLE,
    EMBARGO_TITLE,
    GET_VIEWS,
    HIJACKED,
    LEEDS_DRAFT_TITLE,
    LIVE_TARGET_KEYS,
    MIXED_VIEWS,
    NATIONAL_LIVE_DEMO_TITLE,
    NO_ACCESS,
    OFFERED_TITLE,
    PRIYA_QUOTE,
    PRIYA_TITLE,
    PROMOTED_TITLE,
    REFUSAL_CASES,
    ROSE_TITLE,
    SEARCHES,
    TARGET_KEYS,
    add_form_data,
    assert_allowed,
    bulk_delete_url,
    chooser_url,
    edit_data,
    form_errors,
    listing_filters,
    make_target,
    moderate,
    prepare,
    quiet_client,
    request,
    select_options,
    snapshot,
    story_url,
    view_id,
)

# --- every admin view that takes a story's id ----------------------------------------------


@pytest.mark.parametrize(("key", "view"), REFUSAL_CASES)
def test_coventry_editor_is_refused_on_another_sites_story(
    key, view, library, story_workflow, coventry_client, national_editor
):
    target = library.targets[key]
    prepare(view, target, story_workflow, national_editor)
    before = snapshot()

    url = view.url(target)
    response = request(coventry_client, view.method, url, view.data(target, library.network))

    assert_refused(coventry_client, response, target.secrets, f"{view.method.upper()} {url}")
    assert snapshot() == before
    assert not Story.objects.filter(slug="copied-by-coventry").exists()


@pytest.mark.parametrize("key", LIVE_TARGET_KEYS)
def test_coventry_editor_may_inspect_a_live_story_of_another_site(key, library, coventry_client):
    """Read-only by design, and only the live version: never the unpublished rewrite."""
    target = library.targets[key]
    before = snapshot()
    url = story_url("inspect", target.pk)
    response = coventry_client.get(url)
    assert response.status_code == 200
    assert DENIED not in body(response)
    for text in target.live_texts:
        assert text in body(response)
    assert_no_leak(response, target.draft_texts, f"GET {url}")
    assert snapshot() == before


# --- the same IDs mixed into URLs of coventry-editor's own story -------------------------


@pytest.mark.parametrize("key", TARGET_KEYS)
@pytest.mark.parametrize(
    ("name", "method", "url"), MIXED_VIEWS, ids=[f"{m.upper()}-{n}" for n, m, _ in MIXED_VIEWS]
)
def test_ids_of_another_sites_story_in_a_url_of_ones_own_story(
    name, method, url, key, library, shared_story_workflow, coventry_editor, national_editor
):
    """Only the story's own id is checked by the admin wrapper; the revision, workflow-state
    and task-state ids in the same URL must belong to that story too."""
    target = moderate(library.targets[key], shared_story_workflow, national_editor)
    own = make_target("coventry_draft", library.coventry_draft, [], [COVENTRY_DRAFT_TITLE])
    moderate(own, shared_story_workflow, coventry_editor)
    client = logged_in(coventry_editor)
    before = snapshot()

    response = request(client, method, url((own, target)), {"comment": "", "title": HIJACKED})

    where = f"{method.upper()} {url((own, target))}"
    # 200 is only acceptable for a GET that then shows nothing of the other story (a modal
    # form about one's own story).
    allowed = (200, 302, 404) if method == "get" else (302, 404)
    assert response.status_code in allowed, f"{where} answered {response.status_code}"
    assert_no_leak(response, target.secrets, where)
    if response.status_code == 302:
        landing = client.get(response["Location"])
        assert_no_leak(landing, target.secrets, f"the page {where} redirected to")
    after = Story.objects.get(pk=target.pk)
    published = (after.live, after.live_revision_id) != (
        target.story.live,
        target.story.live_revision_id,
    )
    assert not published, f"{where} published {target.key} (now titled {after.title!r})"
    target.workflow_state.refresh_from_db()
    assert target.workflow_state.status == WorkflowState.STATUS_IN_PROGRESS, (
        f"{where} moved the moderation of {target.key} on: {target.workflow_state.status}"
    )
    assert snapshot() == before, f"{where} changed the library"


def test_review_panel_names_no_other_sites_story_under_a_shared_workflow(
    library, shared_story_workflow, coventry_editor, national_editor
):
    """The dashboard's "awaiting your review" panel lists what a reviewer of the shared task may
    approve: it must not name another site's story in moderation (nor its draft)."""
    for key in TARGET_KEYS:
        moderate(library.targets[key], shared_story_workflow, national_editor)
    own = make_target("coventry_draft", library.coventry_draft, [], [COVENTRY_DRAFT_TITLE])
    moderate(own, shared_story_workflow, national_editor)
    response = logged_in(coventry_editor).get(admin_home())
    assert response.status_code == 200
    assert COVENTRY_DRAFT_TITLE in body(response), "the review panel is not shown at all"
    secrets = [text for target in library.targets.values() for text in target.secrets]
    assert_no_leak(response, secrets, "the dashboard")


# --- positive controls: the same views work for those allowed ------------------------------


@pytest.mark.parametrize(
    "view", [v for v in GET_VIEWS if not v.reviewer_only and not v.superuser_only], ids=view_id
)
def test_coventry_editor_can_open_the_views_of_a_coventry_story(
    view, library, story_workflow, coventry_editor
):
    target = library.rose
    if view.moderated:
        moderate(target, story_workflow, coventry_editor)
    url = view.url(target)
    assert_allowed(logged_in(coventry_editor).get(url), view, target, f"GET {url}")


@pytest.mark.parametrize("view", [v for v in GET_VIEWS if not v.superuser_only], ids=view_id)
def test_national_editor_can_open_the_views_of_a_leeds_story(
    view, library, story_workflow, national_editor
):
    """National editors work network-wide: the refused URLs are real, working views."""
    target = library.targets["leeds_live"]
    if view.moderated:
        moderate(target, story_workflow, national_editor)
    url = view.url(target)
    assert_allowed(logged_in(national_editor).get(url), view, target, f"GET {url}")


@pytest.mark.parametrize("view", [v for v in GET_VIEWS if v.superuser_only], ids=view_id)
def test_superuser_can_open_the_views_no_editor_may_use(view, library, superuser):
    target = library.targets["national_draft"]
    url = view.url(target)
    assert_allowed(logged_in(superuser).get(url), view, target, f"GET {url}")


def test_national_editor_sees_the_draft_texts_in_the_edit_view(library, national_editor):
    """The leak markers are real: the edit form shows them to someone allowed to see them."""
    client = logged_in(national_editor)
    for key in ["national_draft", "national_live_with_draft", "leeds_draft"]:
        target = library.targets[key]
        response = client.get(story_url("edit", target.pk))
        assert response.status_code == 200
        for text in target.draft_texts:
            assert text in body(response)


def test_coventry_editor_can_unpublish_and_delete_own_stories(library, coventry_editor):
    client = logged_in(coventry_editor)
    rose = library.rose.story
    response = client.post(story_url("unpublish", rose.pk))
    assert response.status_code == 302
    assert response["Location"] != admin_home()
    rose.refresh_from_db()
    assert rose.live is False

    draft = library.coventry_draft
    response = client.post(story_url("delete", draft.pk))
    assert response.status_code == 302
    assert response["Location"] == story_url("list")
    assert not Story.objects.filter(pk=draft.pk).exists()


def test_coventry_editor_can_preview_own_story(library, coventry_editor, network):
    client = logged_in(coventry_editor)
    target = library.rose
    url = story_url("preview_on_edit", target.pk)
    data = {**edit_data(target, network), "title": "Rose, in preview", "slug": "rose-coventry"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Rose, in preview" in body(preview)


def test_coventry_editor_can_copy_lock_and_unlock_own_story(library, network, coventry_editor):
    client = logged_in(coventry_editor)
    rose = library.rose.story
    copy_form = client.get(story_url("copy", rose.pk))
    assert copy_form.status_code == 200
    data = form_data(copy_form)
    data.update(title=["Rose (copy)"], slug=["rose-coventry-copy"])
    response = client.post(story_url("copy", rose.pk), data)
    assert response.status_code == 302, form_errors(response)
    copy = Story.objects.get(slug="rose-coventry-copy")
    assert copy.site == network.coventry_site

    assert client.post(story_url("lock", rose.pk)).status_code == 302
    assert Story.objects.get(pk=rose.pk).locked
    assert client.post(story_url("unlock", rose.pk)).status_code == 302
    assert not Story.objects.get(pk=rose.pk).locked


def test_national_editor_can_approve_a_leeds_story(library, story_workflow, national_editor):
    target = moderate(library.targets["leeds_draft"], story_workflow, national_editor)
    url = story_url("workflow_action", target.pk, "approve", target.task_state.pk)
    response = logged_in(national_editor).post(url, {"comment": ""})
    assert response.status_code == 302
    target.workflow_state.refresh_from_db()
    assert target.workflow_state.status == WorkflowState.STATUS_APPROVED
    assert Story.objects.get(pk=target.pk).live


def test_national_editor_can_unpublish_a_leeds_story(library, national_editor):
    priya = library.targets["leeds_live"].story
    response = logged_in(national_editor).post(story_url("unpublish", priya.pk))
    assert response.status_code == 302
    assert response["Location"] != admin_home()
    priya.refresh_from_db()
    assert priya.live is False


# --- the listing ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_filters_never_show_another_sites_drafts(name, library, coventry_editor):
    client = logged_in(coventry_editor)
    for query in listing_filters(library):
        url = story_url(name) + query
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_leak(response, library.forbidden, f"GET {url}")


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_search_never_shows_another_sites_drafts(name, library, coventry_editor):
    client = quiet_client(coventry_editor)
    broken = []
    for words in SEARCHES:
        for extra in ["", "&live=false"]:
            url = f"{story_url(name)}?q={words.replace(' ', '+')}{extra}"
            response = client.get(url)
            assert_no_leak(response, library.forbidden, f"GET {url}")
            if response.status_code != 200:
                broken.append(f"{url} -> {response.status_code}")
    assert not broken, f"the story listing's search fails: {broken}"


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_shows_own_stories_and_others_live_ones(name, library, coventry_editor):
    client = logged_in(coventry_editor)
    text = body(client.get(story_url(name)))
    for title in [ROSE_TITLE, COVENTRY_DRAFT_TITLE, OFFERED_TITLE, PROMOTED_TITLE]:
        assert title in text, f"{title} is missing from coventry-editor's listing"
    for title in [AMIRA_TITLE, PRIYA_TITLE, NATIONAL_LIVE_DEMO_TITLE]:
        assert title in text, f"the live story {title} is missing from the listing"

    national = library.network.national_site.pk
    cases = {
        "?live=false": ([COVENTRY_DRAFT_TITLE], [ROSE_TITLE, AMIRA_TITLE]),
        f"?site={national}": ([AMIRA_TITLE, NATIONAL_LIVE_DEMO_TITLE], [ROSE_TITLE]),
        f"?site={library.leeds_site.pk}": ([PRIYA_TITLE], [AMIRA_TITLE, ROSE_TITLE]),
        "?reach=offered": ([OFFERED_TITLE], [ROSE_TITLE, AMIRA_TITLE]),
    }
    for query, (shown, hidden) in cases.items():
        text = body(client.get(story_url(name) + query))
        for title in shown:
            assert title in text, f"{query}: {title} missing"
        for title in hidden:
            assert title not in text, f"{query}: {title} should be filtered out"


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_search_finds_own_stories_and_others_live_ones(name, library, coventry_editor):
    """Positive control for the searches above: they do find what may be shown."""
    client = quiet_client(coventry_editor)
    cases = {
        "Earlsdon": COVENTRY_DRAFT_TITLE,
        "Harehills": PRIYA_TITLE,
        "allotment": AMIRA_TITLE,
    }
    for words, title in cases.items():
        response = client.get(f"{story_url(name)}?q={words}")
        assert response.status_code == 200, f"?q={words} answered {response.status_code}"
        assert title in body(response), f"?q={words} does not find {title}"
        assert ROSE_TITLE not in body(response)


def test_national_editor_listing_shows_every_sites_drafts(library, national_editor):
    """Positive control for the listing: the draft titles are there to be hidden."""
    text = body(logged_in(national_editor).get(story_url("list")))
    for title in [EMBARGO_TITLE, LEEDS_DRAFT_TITLE, COVENTRY_DRAFT_TITLE, PRIYA_TITLE]:
        assert title in text


# --- the chooser ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["choose", "choose_results"])
def test_chooser_offers_network_stories_and_coventrys_own(name, library, coventry_editor):
    client = logged_in(coventry_editor)
    response = client.get(chooser_url(name) + "?locale=en")  # the demo's Welsh ones aside
    assert response.status_code == 200
    text = body(response)
    for title in [AMIRA_TITLE, NATIONAL_LIVE_DEMO_TITLE, PROMOTED_TITLE]:
        assert title in text, f"the network story {title} is not offered"
    for title in [ROSE_TITLE, COVENTRY_DRAFT_TITLE, OFFERED_TITLE]:
        assert title in text, f"Coventry's own {title} is not offered"
    assert PRIYA_TITLE not in text, "a Leeds local story is offered to Coventry pages"
    for query in CHOOSER_QUERIES:
        url = chooser_url(name) + query
        response = client.get(url)
        assert response.status_code == 200
        assert_no_leak(response, [*library.forbidden, PRIYA_TITLE, PRIYA_QUOTE], f"GET {url}")


@pytest.mark.parametrize("key", ["national_draft", "leeds_live", "leeds_draft"])
def test_chooser_chosen_refuses_what_coventry_may_not_choose(key, library, coventry_editor):
    target = library.targets[key]
    url = chooser_url("chosen", target.pk)
    response = logged_in(coventry_editor).get(url)
    assert response.status_code in (302, 403, 404), f"GET {url} answered {response.status_code}"
    assert_no_leak(response, target.secrets, f"GET {url}")


def test_chooser_chosen_gives_the_live_version_of_a_network_story(library, coventry_editor):
    target = library.targets["national_live_with_draft"]
    url = chooser_url("chosen", target.pk)
    response = logged_in(coventry_editor).get(url)
    assert response.status_code == 200
    assert response.json()["result"]["string"] == AMIRA_TITLE
    assert_no_leak(response, target.draft_texts, f"GET {url}")


def test_chooser_chosen_multiple_drops_what_coventry_may_not_choose(library, coventry_editor):
    ids = [target.pk for target in library.targets.values()] + [library.coventry_draft.pk]
    url = chooser_url("chosen_multiple") + "?" + "&".join(f"id={pk}" for pk in ids)
    response = logged_in(coventry_editor).get(url)
    assert response.status_code == 200
    chosen = {item["string"] for item in response.json()["result"]}
    assert chosen == {AMIRA_TITLE, COVENTRY_DRAFT_TITLE}
    assert_no_leak(response, [*library.forbidden, PRIYA_TITLE], f"GET {url}")


def test_chooser_create_cannot_file_a_story_under_another_site(library, coventry_editor, network):
    """The chooser has no creation form for stories; posting one anyway creates nothing (and,
    per the design, bad input never answers 500)."""
    client = Client(raise_request_exception=False)
    client.force_login(coventry_editor)
    data = {
        **edit_data(library.targets["national_draft"], network),
        "slug": "planted-through-the-chooser",
        "site": network.national_site.pk,
    }
    before = Story.objects.count()
    # The chooser's "create" URL is removed for stories (written in the story editor only).
    response = client.post(chooser_url("choose") + "create/", data)
    assert Story.objects.count() == before
    assert response.status_code == 404


# --- form rules -----------------------------------------------------------------------------


def test_add_form_offers_only_coventry_and_no_network_reach(network, coventry_editor):
    response = logged_in(coventry_editor).get(story_url("add"))
    assert response.status_code == 200
    sites = select_options(response, "site")
    assert [value for value, _label in sites] == [str(network.coventry_site.pk)]
    reach = [value for value, _label in select_options(response, "reach")]
    assert sorted(reach) == [Story.Reach.LOCAL, Story.Reach.OFFERED]


@pytest.mark.parametrize(
    ("field_name", "value"),
    [("site", "national"), ("site", "leeds"), ("reach", Story.Reach.NETWORK)],
)
def test_add_form_rejects_another_site_or_network_reach(
    field_name, value, library, network, coventry_editor
):
    client = logged_in(coventry_editor)
    data = add_form_data(client)
    if value == "national":
        value = network.national_site.pk
    elif value == "leeds":
        value = library.leeds_site.pk
    data[field_name] = [value]
    before = snapshot()
    response = client.post(story_url("add"), data)
    assert response.status_code == 200
    assert field_name in form_errors(response), form_errors(response)
    assert snapshot() == before
    assert not Story.objects.filter(slug="hillfields-street-party").exists()


def test_add_form_creates_a_coventry_story(network, coventry_editor):
    client = logged_in(coventry_editor)
    data = add_form_data(client)
    assert data["site"] == [str(network.coventry_site.pk)], "the only site is preselected"
    response = client.post(story_url("add"), data)
    assert response.status_code == 302, form_errors(response)
    story = Story.objects.get(slug="hillfields-street-party")
    assert story.site == network.coventry_site
    assert story.reach == Story.Reach.LOCAL
    assert story.live is False  # saved as a draft


def test_edit_form_rejects_moving_own_story_to_another_site(library, network, coventry_editor):
    client = logged_in(coventry_editor)
    offered = library.offered
    data = form_data(client.get(story_url("edit", offered.pk)))
    data["site"] = [network.national_site.pk]
    data["action-publish"] = ["action-publish"]
    before = snapshot()
    response = client.post(story_url("edit", offered.pk), data)
    assert response.status_code == 200
    assert "site" in form_errors(response)
    assert snapshot() == before


def test_national_editor_promotes_an_offered_coventry_story(library, national_editor):
    client = logged_in(national_editor)
    offered = library.offered
    response = client.get(story_url("edit", offered.pk))
    assert Story.Reach.NETWORK in [v for v, _label in select_options(response, "reach")]
    data = form_data(response)
    assert data["reach"] == [Story.Reach.OFFERED]
    data["reach"] = [Story.Reach.NETWORK]
    data["action-publish"] = ["action-publish"]
    response = client.post(story_url("edit", offered.pk), data)
    assert response.status_code == 302, form_errors(response)
    offered.refresh_from_db()
    assert offered.reach == Story.Reach.NETWORK
    assert offered.live


def test_coventry_editor_keeps_a_promoted_story_on_the_network(library, coventry_editor):
    client = logged_in(coventry_editor)
    promoted = library.promoted
    response = client.get(story_url("edit", promoted.pk))
    assert response.status_code == 200
    reach = parse_form(response).selects["reach"]
    assert reach["disabled"], "the reach of a promoted story is not locked for coventry-editor"
    data = form_data(response)
    data["reach"] = [Story.Reach.LOCAL]  # a browser sends nothing for it; a forger does
    data["title"] = ["Nadia: tea, talk and the Canal Basin"]
    data["action-publish"] = ["action-publish"]
    response = client.post(story_url("edit", promoted.pk), data)
    assert response.status_code == 302, form_errors(response)
    promoted.refresh_from_db()
    assert promoted.title == "Nadia: tea, talk and the Canal Basin"
    assert promoted.reach == Story.Reach.NETWORK


# --- bulk actions -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", TARGET_KEYS)
def test_bulk_delete_confirmation_names_no_other_sites_story(key, library, coventry_editor):
    target = library.targets[key]
    url = bulk_delete_url(target.pk)
    response = logged_in(coventry_editor).get(url)
    assert response.status_code == 200
    text = body(response)
    assert NO_ACCESS in text
    assert "1. An item you do not have permission to change" in text
    assert "Yes, delete" not in text
    assert_no_leak(response, target.secrets, f"GET {url}")


@pytest.mark.parametrize("key", TARGET_KEYS)
def test_bulk_delete_of_another_sites_story_deletes_nothing(key, library, coventry_editor):
    target = library.targets[key]
    client = logged_in(coventry_editor)
    before = snapshot()
    url = bulk_delete_url(target.pk)
    response = client.post(url)
    assert response.status_code in (200, 302)
    assert_no_leak(response, target.secrets, f"POST {url}")
    if response.status_code == 302:
        # back to the listing, which shows live stories: never a draft
        landing = client.get(response["Location"])
        assert_no_leak(landing, target.draft_texts, "the page after bulk delete")
    assert snapshot() == before


def test_bulk_delete_of_all_names_only_coventrys_stories(library, coventry_editor):
    client = logged_in(coventry_editor)
    url = reverse("wagtail_bulk_action", args=["stories", "story", "delete"]) + "?id=all"
    response = client.get(url)
    assert response.status_code == 200
    text = body(response)
    assert COVENTRY_DRAFT_TITLE in text  # their own: named, may be deleted
    assert NO_ACCESS.replace("this story", "these stories") in text
    assert_no_leak(
        response, [*library.forbidden, AMIRA_TITLE, PRIYA_TITLE, NATIONAL_LIVE_DEMO_TITLE], url
    )


def test_bulk_delete_of_mixed_ids_deletes_only_coventrys_own(library, coventry_editor):
    client = logged_in(coventry_editor)
    others = [target.pk for target in library.targets.values()]
    own = library.coventry_draft.pk
    response = client.post(bulk_delete_url(own, *others))
    assert response.status_code == 302
    assert not Story.objects.filter(pk=own).exists()
    assert Story.objects.filter(pk__in=others).count() == len(others)


def test_bulk_delete_of_own_draft_works(library, coventry_editor):
    client = logged_in(coventry_editor)
    own = library.coventry_draft.pk
    url = bulk_delete_url(own)
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert COVENTRY_DRAFT_TITLE in body(confirmation)
    assert "Yes, delete" in body(confirmation)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == story_url("list")
    assert not Story.objects.filter(pk=own).exists()


# --- accounts -----------------------------------------------------------------------------


def test_accounts_are_what_the_tests_assume(coventry_editor, national_editor):
    """Neither editor is a superuser; coventry-editor holds no model-wide story permission."""
    for user in (coventry_editor, national_editor):
        assert not user.is_superuser
    assert not coventry_editor.has_perm("stories.change_story")
    assert national_editor.has_perm("stories.change_story")


# --- the listing's status column ---------------------------------------------------------------


def _status_of(text: str, title: str) -> str:
    """The status cell's words in the listing row of the story titled `title`."""
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{re.escape(title)}(?:(?!</tr>).)*</tr>", text, re.S)
    assert row, f"{title} is not in the listing"
    tags = re.findall(r'<span class="w-status[^"]*">\s*([^<]*?)\s*</span>', row[0])
    return " / ".join(tags)


def _listing(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story_url("list"))
    assert response.status_code == 200
    return body(response), len(queries)


def test_listing_shows_each_storys_status(library, story_workflow, national_editor):
    """Draft, in moderation, live, and a consent that lapses soon or has lapsed; on the
    national site, Coventry and Leeds (made by provision_chapter, as create_chapter does)."""
    moderate(library.targets["leeds_draft"], story_workflow, national_editor)
    soon = timezone.localdate() + datetime.timedelta(days=CONSENT_LAPSING_DAYS - 10)
    Story.objects.filter(pk=library.targets["leeds_live"].pk).update(consent_expires_on=soon)
    Story.objects.filter(title=ROSE_TITLE).update(consent_withdrawn_at=timezone.now())

    text, _queries = _listing(logged_in(national_editor))
    assert _status_of(text, COVENTRY_DRAFT_TITLE) == "draft"
    assert _status_of(text, EMBARGO_TITLE) == "draft"
    assert _status_of(text, LEEDS_DRAFT_TITLE) == "in moderation"
    assert _status_of(text, AMIRA_TITLE) == "live"
    assert _status_of(text, PRIYA_TITLE) == f"live / consent lapsing: ends {date_format(soon)}"
    assert _status_of(text, ROSE_TITLE) == "live / consent lapsed"


def test_listing_status_costs_no_query_per_row(library, story_workflow, national_editor):
    client = logged_in(national_editor)
    _listing(client)  # warm: Wagtail caches the content types and site roots
    text, before = _listing(client)
    shown = text.count('<span class="w-status')
    leeds = Site.objects.get(pk=library.leeds_site.pk)
    for number in range(6):
        story = Story.objects.create(
            slug=f"status-{number}",
            title=f"Status story {number}",
            quote="A few words.",
            site=leeds,
            live=number % 2 == 0,
            consent_given_on=datetime.date(2024, 3, 1),
            consent_expires_on=timezone.localdate() + datetime.timedelta(days=number),
        )
        if number < 3:
            story.save_revision(user=national_editor)
            story_workflow.start(story, national_editor)
    text, after = _listing(client)
    assert text.count('<span class="w-status') > shown + 6  # the new rows are on the page
    assert after == before
