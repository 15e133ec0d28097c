"""What tests/stories/test_admin.py tries: the stories under test on top of the demo network
(`build_library`, `Library`: a national draft, a live national story with an unpublished
rewrite, a live Leeds story and a Leeds draft, Coventry's own), every admin view that takes a
story's id (`STORY_VIEWS`, `MIXED_VIEWS`), and what a refused request must leave unchanged
(`snapshot`)."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from wagtail.models import (
    Locale,
    ModelLogEntry,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowState,
)

from chapters.provisioning import provision_chapter
from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST
from tests.helpers import (
    DENIED,
    body,
    first_revision_pk,
    form_data,
    latest_revision_pk,
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


def make_target(key, story, live_texts, draft_texts) -> Target:
    first, latest = _revisions(story)
    return Target(key, story, first, latest, live_texts, draft_texts)


TARGET_KEYS = ["national_draft", "national_live_with_draft", "leeds_live", "leeds_draft"]
LIVE_TARGET_KEYS = ["national_live_with_draft", "leeds_live"]


def build_library() -> dict[str, int]:
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


def moderate(target: Target, workflow: Workflow, user) -> Target:
    state = workflow.start(target.story, user)
    target.workflow_state = state
    target.task_state = state.current_task_state
    target.story = Story.objects.get(pk=target.pk)
    return target


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


def edit_data(target: Target, network) -> dict:
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


def copy_data(target: Target, network) -> dict:
    return {**edit_data(target, network), "slug": "copied-by-coventry"}


def translation_data(target: Target, network) -> dict:
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


def story_view(name, *extra):
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
    View("edit", "get", story_view("edit")),
    View("edit", "post", story_view("edit"), edit_data),
    View("delete", "get", story_view("delete")),
    View("delete", "post", story_view("delete")),
    View("usage", "get", story_view("usage")),
    View("history", "get", story_view("history")),
    View("history_results", "get", story_view("history_results"), names_the_story=False),
    View("copy", "get", story_view("copy")),
    View("copy", "post", story_view("copy"), copy_data),
    View("inspect", "get", story_view("inspect")),
    # GET without a previously POSTed form: a "preview not available" page.
    View("preview_on_edit", "get", story_view("preview_on_edit"), names_the_story=False),
    View("preview_on_edit", "post", story_view("preview_on_edit"), edit_data),
    View("revisions_view", "get", story_view("revisions_view", first_revision_pk)),
    View("revisions_revert", "get", story_view("revisions_revert", first_revision_pk)),
    View("revisions_revert", "post", story_view("revisions_revert", first_revision_pk), edit_data),
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
        story_view("revisions_unschedule", latest_revision_pk),
        names_the_story=False,
    ),
    View("revisions_unschedule", "post", story_view("revisions_unschedule", latest_revision_pk)),
    View("unpublish", "get", story_view("unpublish")),
    View("unpublish", "post", story_view("unpublish")),
    View("lock", "post", story_view("lock")),
    View("unlock", "post", story_view("unlock"), lock_first=True),
    View("workflow_history", "get", story_view("workflow_history")),
    View(
        "workflow_history_detail",
        "get",
        story_view("workflow_history_detail", _workflow_state),
        moderated=True,
    ),
    View(
        "workflow_preview",
        "get",
        story_view("workflow_preview", _task),
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
        story_view("confirm_workflow_cancellation"),
        moderated=True,
        names_the_story=False,
    ),
    View("submit_translation", "get", _translate, superuser_only=True),
    View("submit_translation", "post", _translate, translation_data),
]


def view_id(view: View) -> str:
    return f"{view.method.upper()}-{view.label}"


def is_read_by_design(view: View, key: str) -> bool:
    """Anyone who works on stories may inspect a story that is live (its live version only)."""
    return view.label == "inspect" and key in LIVE_TARGET_KEYS


REFUSAL_CASES = [
    pytest.param(key, view, id=f"{key}-{view_id(view)}")
    for key in TARGET_KEYS
    for view in STORY_VIEWS
    if not is_read_by_design(view, key)
]


def prepare(view: View, target: Target, workflow, national_editor) -> None:
    if view.moderated:
        moderate(target, workflow, national_editor)
    if view.lock_first:
        Story.objects.filter(pk=target.pk).update(locked=True, locked_by=national_editor)


def own_then_theirs(name, *extra):
    """A URL of the Coventry draft story carrying the other story's revision/workflow ids."""
    return lambda pair: story_url(name, pair[0].pk, *(e(pair[1]) for e in extra))


MIXED_VIEWS = [
    ("revisions_view", "get", own_then_theirs("revisions_view", latest_revision_pk)),
    ("revisions_revert", "get", own_then_theirs("revisions_revert", latest_revision_pk)),
    ("revisions_revert", "post", own_then_theirs("revisions_revert", latest_revision_pk)),
    (
        "revisions_compare",
        "get",
        own_then_theirs("revisions_compare", first_revision_pk, latest_revision_pk),
    ),
    ("revisions_unschedule", "post", own_then_theirs("revisions_unschedule", latest_revision_pk)),
    (
        "workflow_history_detail",
        "get",
        own_then_theirs("workflow_history_detail", _workflow_state),
    ),
    (
        "collect_workflow_action_data",
        "get",
        own_then_theirs("collect_workflow_action_data", lambda t: "approve", _task_state),
    ),
    (
        "workflow_action",
        "post",
        own_then_theirs("workflow_action", lambda t: "approve", _task_state),
    ),
]


GET_VIEWS = [view for view in STORY_VIEWS if view.method == "get"]


def assert_allowed(response, view: View, target: Target, where: str) -> None:
    assert response.status_code == 200, f"{where} answered {response.status_code}"
    assert DENIED not in body(response)
    if view.names_the_story:
        text = body(response)
        assert any(name in text for name in target.secrets), f"{where} does not name the story"


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


def listing_filters(library) -> list[str]:
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


def quiet_client(user) -> Client:
    """A client that answers a server error with its 500 page instead of raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


CHOOSER_QUERIES = ["", "?q=embargoed", "?q=Amira", "?q=Chapeltown", "?q=Harehills", "?q=rewrite"]


def add_form_data(client) -> dict:
    response = client.get(story_url("add"))
    assert response.status_code == 200
    data = form_data(response)
    data.update(
        title=["Hillfields: the street party that never stopped"],
        slug=["hillfields-street-party"],
        quote=["We closed the road for one afternoon and now we do it every month"],
    )
    return data
