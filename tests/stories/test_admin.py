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
built once for the module (see `_library_ids`) and rolled back at its end.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import (
    Locale,
    ModelLogEntry,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowContentType,
    WorkflowState,
)

from chapters.provisioning import provision_chapter
from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST
from tests.helpers import (
    DENIED,
    admin_home,
    assert_no_leak,
    assert_refused,
    body,
    first_revision_pk,
    form_data,
    latest_revision_pk,
    logged_in,
    parse_form,
)

NO_ACCESS = "You don't have permission to delete this story"
HIJACKED = "Taken over by Coventry"

# The national story nobody outside the national team may see: never published.
EMBARGO_TITLE = "Embargoed: the minister volunteers at the Hackney food bank"
EMBARGO_QUOTE = "Embargoed until the spring relaunch: I had never packed a food parcel before today"
# A live national story (on every site) with an unpublished rewrite.
AMIRA_TITLE = "Amira: the allotment that fed our street"
AMIRA_QUOTE = "We grew too many courgettes, so we started knocking on doors with them"
AMIRA_DRAFT_TITLE = "Amira rewrite: not for release before the relaunch"
AMIRA_DRAFT_QUOTE = "Unpublished rewrite: the council nearly closed the allotment in March"
# Leeds Connects, a second chapter: one live local story, one draft.
PRIYA_TITLE = "Priya: the bus stop library in Harehills"
PRIYA_QUOTE = "People leave a book and take a book while they wait for the number 49"
LEEDS_DRAFT_TITLE = "Leeds draft: the Chapeltown winter warm space"
LEEDS_DRAFT_QUOTE = "Not announced yet: the warm space opens in the church hall in December"
# Coventry's own.
ROSE_TITLE = "Rose: what kind of human being am I going to be?"
ROSE_DRAFT_TITLE = "Rose, revisited: a year after lockdown"
COVENTRY_DRAFT_TITLE = "Coventry draft: the Earlsdon repair cafe"
COVENTRY_DRAFT_QUOTE = "Not announced yet: bring your broken toaster to Earlsdon library"
OFFERED_TITLE = "Sam: the Foleshill walking group"
PROMOTED_TITLE = "Nadia: tea and talk on the Canal Basin"

NATIONAL_LIVE_DEMO_TITLE = "This Mum Runs: prescriptions on the run"
NATIONAL_EDITORS = "National editors"


# --- helpers ------------------------------------------------------------------------------


def story_url(name: str, *args) -> str:
    return reverse(Story.snippet_viewset.get_url_name(name), args=args)


def chooser_url(name: str, *args) -> str:
    return reverse(Story.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


def bulk_delete_url(*ids) -> str:
    url = reverse("wagtail_bulk_action", args=["stories", "story", "delete"])
    query = "&".join(f"id={pk}" for pk in ids)
    return f"{url}?{query}&next={story_url('list')}"


def request(client, method: str, url: str, data: dict | None = None):
    if method == "get":
        return client.get(url)
    return client.post(url, data or {})


def select_options(response, name: str) -> list[tuple[str, str]]:
    """(value, label) of each non-empty option of the <select> called `name`."""
    options = parse_form(response).selects[name]["options"]
    return [(value, label.strip()) for value, label, _selected in options if value]


def form_errors(response) -> dict:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return dict(form.errors) if form is not None else {}


def story_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Story)


def snapshot() -> dict:
    """Everything about the story library that a refused request could have changed."""
    content_type = story_content_type()
    return {
        "stories": list(
            Story.objects.order_by("pk").values_list(
                "pk",
                "title",
                "slug",
                "site_id",
                "reach",
                "quote",
                "body",
                "live",
                "has_unpublished_changes",
                "locked",
                "locked_by_id",
                "latest_revision_id",
                "live_revision_id",
                "first_published_at",
                "last_published_at",
                "go_live_at",
                "expire_at",
                "updated_at",
            )
        ),
        "revisions": list(
            Revision.objects.filter(base_content_type=content_type)
            .order_by("pk")
            .values_list("pk", "object_id", "approved_go_live_at")
        ),
        "workflow_states": list(
            WorkflowState.objects.filter(base_content_type=content_type)
            .order_by("pk")
            .values_list("pk", "object_id", "status", "current_task_state_id")
        ),
        "task_states": list(TaskState.objects.order_by("pk").values_list("pk", "status")),
        "log_entries": ModelLogEntry.objects.filter(content_type=content_type).count(),
    }


# --- the library under test ---------------------------------------------------------------


@dataclass
class Target:
    """A story and what of it must never reach someone refused."""

    key: str
    story: Story
    first_revision: Revision
    latest_revision: Revision
    live_texts: list[str]  # what readers of the live story see (empty: never published)
    draft_texts: list[str]  # what only its own site's editors may see
    workflow_state: WorkflowState | None = None
    task_state: TaskState | None = None

    @property
    def secrets(self) -> list[str]:
        return [*self.live_texts, *self.draft_texts]

    @property
    def pk(self) -> int:
        return self.story.pk


@dataclass
class Library:
    network: object
    leeds_site: object
    targets: dict[str, Target]
    rose: Target  # live Coventry story with an unpublished draft of its own
    coventry_draft: Story
    offered: Story  # live Coventry story offered to the network
    promoted: Story  # live Coventry story promoted to the network by the national team

    @property
    def forbidden(self) -> list[str]:
        """Texts coventry-editor may never see anywhere: other sites' unpublished words."""
        return [
            EMBARGO_TITLE,
            EMBARGO_QUOTE,
            AMIRA_DRAFT_TITLE,
            AMIRA_DRAFT_QUOTE,
            LEEDS_DRAFT_TITLE,
            LEEDS_DRAFT_QUOTE,
        ]


def _story(site, user, *, slug, title, quote, reach=Story.Reach.LOCAL, publish=True) -> Story:
    """A story as the admin makes one: a first revision, published or not."""
    story = Story(
        slug=slug,
        title=title,
        quote=quote,
        body=f"<p>{quote}</p>",
        site=site,
        reach=reach,
        consent_given_on=datetime.date(2024, 3, 1),
        locale=Locale.get_default(),
        live=publish,
    )
    story.save()
    revision = story.save_revision(user=user, log_action="wagtail.create")
    if publish:
        revision.publish(user=user)
    return Story.objects.get(pk=story.pk)


def _draft(story: Story, user, title: str, quote: str) -> Revision:
    """An unpublished rewrite: a new latest revision; the row keeps the live content."""
    story.title = title
    story.quote = quote
    return story.save_revision(user=user, log_action=True)


def _revisions(story: Story) -> tuple[Revision, Revision]:
    revisions = Revision.objects.filter(
        base_content_type=story_content_type(), object_id=str(story.pk)
    ).order_by("pk")
    return revisions.first(), revisions.last()


def _target(key, story, live_texts, draft_texts) -> Target:
    first, latest = _revisions(story)
    return Target(key, story, first, latest, live_texts, draft_texts)


TARGET_KEYS = ["national_draft", "national_live_with_draft", "leeds_live", "leeds_draft"]
LIVE_TARGET_KEYS = ["national_live_with_draft", "leeds_live"]


def _build_library() -> dict[str, int]:
    """The stories under test, on top of the demo network; returns their ids."""
    User = get_user_model()
    national_editor = User.objects.get(username="national-editor")
    coventry_editor = User.objects.get(username="coventry-editor")
    national = Site.objects.get(is_default_site=True)
    coventry = Site.objects.get(hostname=COVENTRY_HOST)
    leeds = provision_chapter("leeds", "Leeds Connects", "leeds.localhost").chapter.site

    embargoed = _story(
        national, national_editor, slug="minister-food-bank", title=EMBARGO_TITLE,
        quote=EMBARGO_QUOTE, reach=Story.Reach.NETWORK, publish=False,
    )  # fmt: skip
    amira = _story(
        national, national_editor, slug="amira-allotment", title=AMIRA_TITLE,
        quote=AMIRA_QUOTE, reach=Story.Reach.NETWORK,
    )  # fmt: skip
    _draft(amira, national_editor, AMIRA_DRAFT_TITLE, AMIRA_DRAFT_QUOTE)
    priya = _story(leeds, None, slug="priya-bus-stop-library", title=PRIYA_TITLE, quote=PRIYA_QUOTE)
    leeds_draft = _story(
        leeds, None, slug="chapeltown-warm-space", title=LEEDS_DRAFT_TITLE,
        quote=LEEDS_DRAFT_QUOTE, publish=False,
    )  # fmt: skip

    rose = Story.objects.get(slug="rose-coventry")
    _draft(rose, coventry_editor, ROSE_DRAFT_TITLE, rose.quote)
    coventry_draft = _story(
        coventry, coventry_editor, slug="earlsdon-repair-cafe", title=COVENTRY_DRAFT_TITLE,
        quote=COVENTRY_DRAFT_QUOTE, publish=False,
    )  # fmt: skip
    offered = _story(
        coventry, coventry_editor, slug="foleshill-walking-group", title=OFFERED_TITLE,
        quote="We walk the same loop every Tuesday and someone always brings biscuits",
        reach=Story.Reach.OFFERED,
    )  # fmt: skip
    promoted = _story(
        coventry, coventry_editor, slug="canal-basin-tea", title=PROMOTED_TITLE,
        quote="The narrowboat people started it, now half the street comes",
        reach=Story.Reach.NETWORK,
    )  # fmt: skip
    return {
        "leeds_site": leeds.pk,
        "national_draft": embargoed.pk,
        "national_live_with_draft": amira.pk,
        "leeds_live": priya.pk,
        "leeds_draft": leeds_draft.pk,
        "rose": rose.pk,
        "coventry_draft": coventry_draft.pk,
        "offered": offered.pk,
        "promoted": promoted.pk,
    }


@pytest.fixture(scope="module")
def _library_ids(django_db_setup, django_db_blocker):
    """Provisioning a chapter takes most of a second, so the library is built once for this
    module, inside a transaction of its own that is rolled back when the module is done; every
    test still runs in its own (nested) transaction, rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ids = _build_library()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield ids
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    cache.clear()


@pytest.fixture
def library(_library_ids, network) -> Library:
    ids = _library_ids
    stories = Story.objects.in_bulk([pk for name, pk in ids.items() if name != "leeds_site"])

    def target(key, live_texts, draft_texts):
        return _target(key, stories[ids[key]], live_texts, draft_texts)

    targets = {
        "national_draft": target("national_draft", [], [EMBARGO_TITLE, EMBARGO_QUOTE]),
        "national_live_with_draft": target(
            "national_live_with_draft",
            [AMIRA_TITLE, AMIRA_QUOTE],
            [AMIRA_DRAFT_TITLE, AMIRA_DRAFT_QUOTE],
        ),
        "leeds_live": target("leeds_live", [PRIYA_TITLE, PRIYA_QUOTE], []),
        "leeds_draft": target("leeds_draft", [], [LEEDS_DRAFT_TITLE, LEEDS_DRAFT_QUOTE]),
    }
    assert not targets["national_draft"].story.live
    assert targets["national_live_with_draft"].story.title == AMIRA_TITLE  # the row is live
    assert targets["national_live_with_draft"].story.has_unpublished_changes
    rose = stories[ids["rose"]]
    return Library(
        network=network,
        leeds_site=Site.objects.get(pk=ids["leeds_site"]),
        targets=targets,
        rose=_target("rose", rose, [ROSE_TITLE, rose.quote], [ROSE_DRAFT_TITLE]),
        coventry_draft=stories[ids["coventry_draft"]],
        offered=stories[ids["offered"]],
        promoted=stories[ids["promoted"]],
    )


@pytest.fixture
def story_workflow(db):
    """Stories go through the network's one story workflow, made by provisioning: a
    site-scoped approval task held by the national editors and every chapter's moderators."""
    workflow = Workflow.objects.get(name="Story approval")
    assert WorkflowContentType.objects.filter(
        workflow=workflow, content_type=story_content_type()
    ).exists()
    task = workflow.workflow_tasks.get().task.specific
    assert task.groups.filter(name=NATIONAL_EDITORS).exists()
    return workflow


def _moderate(target: Target, workflow: Workflow, user) -> Target:
    state = workflow.start(target.story, user)
    target.workflow_state = state
    target.task_state = state.current_task_state
    target.story = Story.objects.get(pk=target.pk)
    return target


# --- every admin view that takes a story's id ----------------------------------------------


def draftail(text: str) -> str:
    """A rich text field's value as the Draftail editor posts it."""
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def _edit_data(target: Target, network) -> dict:
    """A complete, valid story form as coventry-editor would send it for their own site."""
    return {
        "title": HIJACKED,
        "slug": target.story.slug,
        "site": network.coventry_site.pk,
        "reach": Story.Reach.LOCAL,
        "quote": HIJACKED,
        "body": draftail(HIJACKED),
        "consent_given_on": "2024-03-01",
        "consent_scope": Story.ConsentScope.WEBSITE_SOCIAL,
        "action-publish": "action-publish",
    }


def _copy_data(target: Target, network) -> dict:
    return {**_edit_data(target, network), "slug": "copied-by-coventry"}


def _translation_data(target: Target, network) -> dict:
    return {"locales": [Locale.objects.get(language_code="cy").pk]}


@dataclass(frozen=True)
class View:
    label: str
    method: str
    url: Callable[[Target], str]
    data: Callable[[Target, object], dict] = lambda target, network: {}
    moderated: bool = False  # the story must be in moderation (workflow views)
    lock_first: bool = False  # the story must be locked by its own editors first
    reviewer_only: bool = False  # only the task's reviewers may open it
    names_the_story: bool = True  # when allowed, its page names the story
    superuser_only: bool = False  # no group holds the permission (wagtail-localize's submit)


def _story_view(name, *extra):
    return lambda t: story_url(name, t.pk, *(e(t) for e in extra))


def _task_state(t):
    return t.task_state.pk


def _workflow_state(t):
    return t.workflow_state.pk


def _task(t):
    return t.task_state.task_id


def _compare(a, b):
    return lambda t: story_url("revisions_compare", t.pk, a(t), b(t))


def _compare_padded_pk(t):
    """The compare URL takes any string as the id (`.+`): `007` finds story 7 all the same."""
    url = story_url("revisions_compare", t.pk, "earliest", "latest")
    return url.replace(f"/history/{t.pk}/", f"/history/{t.pk:06d}/")


def _translate(t):
    return reverse("wagtail_localize:submit_snippet_translation", args=["stories", "story", t.pk])


def _approve(name):
    return lambda t: story_url(name, t.pk, "approve", t.task_state.pk)


STORY_VIEWS = [
    View("edit", "get", _story_view("edit")),
    View("edit", "post", _story_view("edit"), _edit_data),
    View("delete", "get", _story_view("delete")),
    View("delete", "post", _story_view("delete")),
    View("usage", "get", _story_view("usage")),
    View("history", "get", _story_view("history")),
    View("history_results", "get", _story_view("history_results"), names_the_story=False),
    View("copy", "get", _story_view("copy")),
    View("copy", "post", _story_view("copy"), _copy_data),
    View("inspect", "get", _story_view("inspect")),
    # GET without a previously POSTed form: a "preview not available" page.
    View("preview_on_edit", "get", _story_view("preview_on_edit"), names_the_story=False),
    View("preview_on_edit", "post", _story_view("preview_on_edit"), _edit_data),
    View("revisions_view", "get", _story_view("revisions_view", first_revision_pk)),
    View("revisions_revert", "get", _story_view("revisions_revert", first_revision_pk)),
    View(
        "revisions_revert", "post", _story_view("revisions_revert", first_revision_pk), _edit_data
    ),
    View("revisions_compare_first_latest", "get", _compare(first_revision_pk, latest_revision_pk)),
    View(
        "revisions_compare_earliest_latest",
        "get",
        _compare(lambda t: "earliest", latest_revision_pk),
    ),
    View("revisions_compare_live_latest", "get", _compare(lambda t: "live", lambda t: "latest")),
    View("revisions_compare_padded_pk", "get", _compare_padded_pk),
    View(
        "revisions_unschedule",
        "get",
        _story_view("revisions_unschedule", latest_revision_pk),
        names_the_story=False,
    ),
    View("revisions_unschedule", "post", _story_view("revisions_unschedule", latest_revision_pk)),
    View("unpublish", "get", _story_view("unpublish")),
    View("unpublish", "post", _story_view("unpublish")),
    View("lock", "post", _story_view("lock")),
    View("unlock", "post", _story_view("unlock"), lock_first=True),
    View("workflow_history", "get", _story_view("workflow_history")),
    View(
        "workflow_history_detail",
        "get",
        _story_view("workflow_history_detail", _workflow_state),
        moderated=True,
    ),
    View(
        "workflow_preview",
        "get",
        _story_view("workflow_preview", _task),
        moderated=True,
        reviewer_only=True,
    ),
    View(
        "workflow_action",
        "get",
        _approve("workflow_action"),
        moderated=True,
        reviewer_only=True,
        names_the_story=False,
    ),
    View(
        "workflow_action",
        "post",
        _approve("workflow_action"),
        lambda t, n: {"comment": "Approved by Coventry"},
        moderated=True,
    ),
    View(
        "collect_workflow_action_data",
        "get",
        _approve("collect_workflow_action_data"),
        moderated=True,
        reviewer_only=True,
        names_the_story=False,
    ),
    View(
        "collect_workflow_action_data",
        "post",
        _approve("collect_workflow_action_data"),
        lambda t, n: {"comment": "Approved by Coventry"},
        moderated=True,
    ),
    View(
        "confirm_workflow_cancellation",
        "get",
        _story_view("confirm_workflow_cancellation"),
        moderated=True,
        names_the_story=False,
    ),
    View("submit_translation", "get", _translate, superuser_only=True),
    View("submit_translation", "post", _translate, _translation_data),
]


def _view_id(view: View) -> str:
    return f"{view.method.upper()}-{view.label}"


def _is_read_by_design(view: View, key: str) -> bool:
    """Anyone who works on stories may inspect a story that is live (its live version only)."""
    return view.label == "inspect" and key in LIVE_TARGET_KEYS


REFUSAL_CASES = [
    pytest.param(key, view, id=f"{key}-{_view_id(view)}")
    for key in TARGET_KEYS
    for view in STORY_VIEWS
    if not _is_read_by_design(view, key)
]


def _prepare(view: View, target: Target, workflow, national_editor) -> None:
    if view.moderated:
        _moderate(target, workflow, national_editor)
    if view.lock_first:
        Story.objects.filter(pk=target.pk).update(locked=True, locked_by=national_editor)


@pytest.mark.parametrize(("key", "view"), REFUSAL_CASES)
def test_coventry_editor_is_refused_on_another_sites_story(
    key, view, library, story_workflow, coventry_client, national_editor
):
    target = library.targets[key]
    _prepare(view, target, story_workflow, national_editor)
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


def _own_then_theirs(name, *extra):
    """A URL of the Coventry draft story carrying the other story's revision/workflow ids."""
    return lambda pair: story_url(name, pair[0].pk, *(e(pair[1]) for e in extra))


MIXED_VIEWS = [
    ("revisions_view", "get", _own_then_theirs("revisions_view", latest_revision_pk)),
    ("revisions_revert", "get", _own_then_theirs("revisions_revert", latest_revision_pk)),
    ("revisions_revert", "post", _own_then_theirs("revisions_revert", latest_revision_pk)),
    (
        "revisions_compare",
        "get",
        _own_then_theirs("revisions_compare", first_revision_pk, latest_revision_pk),
    ),
    ("revisions_unschedule", "post", _own_then_theirs("revisions_unschedule", latest_revision_pk)),
    (
        "workflow_history_detail",
        "get",
        _own_then_theirs("workflow_history_detail", _workflow_state),
    ),
    (
        "collect_workflow_action_data",
        "get",
        _own_then_theirs("collect_workflow_action_data", lambda t: "approve", _task_state),
    ),
    (
        "workflow_action",
        "post",
        _own_then_theirs("workflow_action", lambda t: "approve", _task_state),
    ),
]


@pytest.fixture
def shared_story_workflow(story_workflow, network):
    """One approval task for every story, held by the national editors *and* Coventry's
    editors (Wagtail's snippet workflows are per model, so a chapter that moderates its own
    stories is a reviewer on the shared task)."""
    task = story_workflow.workflow_tasks.get().task.specific
    task.groups.add(network.coventry.editors_group)
    return story_workflow


@pytest.mark.parametrize("key", TARGET_KEYS)
@pytest.mark.parametrize(
    ("name", "method", "url"), MIXED_VIEWS, ids=[f"{m.upper()}-{n}" for n, m, _ in MIXED_VIEWS]
)
def test_ids_of_another_sites_story_in_a_url_of_ones_own_story(
    name, method, url, key, library, shared_story_workflow, coventry_editor, national_editor
):
    """Only the story's own id is checked by the admin wrapper; the revision, workflow-state
    and task-state ids in the same URL must belong to that story too."""
    target = _moderate(library.targets[key], shared_story_workflow, national_editor)
    own = _target("coventry_draft", library.coventry_draft, [], [COVENTRY_DRAFT_TITLE])
    _moderate(own, shared_story_workflow, coventry_editor)
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
        _moderate(library.targets[key], shared_story_workflow, national_editor)
    own = _target("coventry_draft", library.coventry_draft, [], [COVENTRY_DRAFT_TITLE])
    _moderate(own, shared_story_workflow, national_editor)
    response = logged_in(coventry_editor).get(admin_home())
    assert response.status_code == 200
    assert COVENTRY_DRAFT_TITLE in body(response), "the review panel is not shown at all"
    secrets = [text for target in library.targets.values() for text in target.secrets]
    assert_no_leak(response, secrets, "the dashboard")


# --- positive controls: the same views work for those allowed ------------------------------


GET_VIEWS = [view for view in STORY_VIEWS if view.method == "get"]


def _assert_allowed(response, view: View, target: Target, where: str) -> None:
    assert response.status_code == 200, f"{where} answered {response.status_code}"
    assert DENIED not in body(response)
    if view.names_the_story:
        text = body(response)
        assert any(name in text for name in target.secrets), f"{where} does not name the story"


@pytest.mark.parametrize(
    "view", [v for v in GET_VIEWS if not v.reviewer_only and not v.superuser_only], ids=_view_id
)
def test_coventry_editor_can_open_the_views_of_a_coventry_story(
    view, library, story_workflow, coventry_editor
):
    target = library.rose
    if view.moderated:
        _moderate(target, story_workflow, coventry_editor)
    url = view.url(target)
    _assert_allowed(logged_in(coventry_editor).get(url), view, target, f"GET {url}")


@pytest.mark.parametrize("view", [v for v in GET_VIEWS if not v.superuser_only], ids=_view_id)
def test_national_editor_can_open_the_views_of_a_leeds_story(
    view, library, story_workflow, national_editor
):
    """National editors work network-wide: the refused URLs are real, working views."""
    target = library.targets["leeds_live"]
    if view.moderated:
        _moderate(target, story_workflow, national_editor)
    url = view.url(target)
    _assert_allowed(logged_in(national_editor).get(url), view, target, f"GET {url}")


@pytest.mark.parametrize("view", [v for v in GET_VIEWS if v.superuser_only], ids=_view_id)
def test_superuser_can_open_the_views_no_editor_may_use(view, library, superuser):
    target = library.targets["national_draft"]
    url = view.url(target)
    _assert_allowed(logged_in(superuser).get(url), view, target, f"GET {url}")


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
    data = {**_edit_data(target, network), "title": "Rose, in preview", "slug": "rose-coventry"}
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
    target = _moderate(library.targets["leeds_draft"], story_workflow, national_editor)
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


SEARCHES = [
    "embargoed",
    "minister",
    "rewrite",
    "relaunch",
    "Amira",
    "Chapeltown",
    "warm space",
    "Harehills",
    "Earlsdon",
]


def _filters(library) -> list[str]:
    national = library.network.national_site.pk
    leeds = library.leeds_site.pk
    coventry = library.network.coventry_site.pk
    return [
        "",
        f"?site={national}",
        f"?site={leeds}",
        f"?site={coventry}",
        "?live=false",
        "?live=true",
        f"?site={national}&live=false",
        f"?site={leeds}&live=false",
        "?reach=network",
        "?reach=local",
        "?consent=valid",
        "?ordering=title",
        "?ordering=-updated_at",
    ]


def _quiet_client(user) -> Client:
    """A client that answers a server error with its 500 page instead of raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_filters_never_show_another_sites_drafts(name, library, coventry_editor):
    client = logged_in(coventry_editor)
    for query in _filters(library):
        url = story_url(name) + query
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_leak(response, library.forbidden, f"GET {url}")


@pytest.mark.parametrize("name", ["list", "list_results"])
def test_listing_search_never_shows_another_sites_drafts(name, library, coventry_editor):
    client = _quiet_client(coventry_editor)
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
    client = _quiet_client(coventry_editor)
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


CHOOSER_QUERIES = ["", "?q=embargoed", "?q=Amira", "?q=Chapeltown", "?q=Harehills", "?q=rewrite"]


@pytest.mark.parametrize("name", ["choose", "choose_results"])
def test_chooser_offers_network_stories_and_coventrys_own(name, library, coventry_editor):
    client = logged_in(coventry_editor)
    response = client.get(chooser_url(name))
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
        **_edit_data(library.targets["national_draft"], network),
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


def _add_form(client) -> dict:
    response = client.get(story_url("add"))
    assert response.status_code == 200
    data = form_data(response)
    data.update(
        title=["Hillfields: the street party that never stopped"],
        slug=["hillfields-street-party"],
        quote=["We closed the road for one afternoon and now we do it every month"],
    )
    return data


@pytest.mark.parametrize(
    ("field_name", "value"),
    [("site", "national"), ("site", "leeds"), ("reach", Story.Reach.NETWORK)],
)
def test_add_form_rejects_another_site_or_network_reach(
    field_name, value, library, network, coventry_editor
):
    client = logged_in(coventry_editor)
    data = _add_form(client)
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
    data = _add_form(client)
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
