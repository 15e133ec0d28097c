"""What tests/chapters/test_admin_permissions.py walks through: a national page under test with
an unpublished draft (`Scene`), every admin view of one page (`PAGE_VIEWS`), the moderation
views (`WORKFLOW_VIEWS`), bulk actions, and what a refused request must leave unchanged
(`snapshot`)."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from wagtail.models import Locale, Page, PageViewRestriction, Revision

from sites.models import SiteSettings
from tests.helpers import (
    DENIED,
    admin_home,
    body,
    first_revision_pk,
    latest_revision_pk,
)

DRAFT_SECRET = "Embargoed draft: national strategy for the spring relaunch"
DRAFT_TITLE = "Spring relaunch (embargoed)"
NATIONAL_DISPLAY_NAME = "Connection Coalition"
NATIONAL_EMAIL = "hello@connectioncoalition.example"
NATIONAL_IMAGE = "Orla and Jean"
NATIONAL_DOCUMENT = "Community Makes Us Toolkit"
COVENTRY_IMAGE = "Connecting for Good logo"
HIJACKED = "Taken over by Coventry"


def explore(page: Page) -> str:
    return reverse("wagtailadmin_explore", args=[page.pk])


def redirect_chain(client, response, limit: int = 5) -> tuple[list[str], object]:
    """Follow redirects by hand (GET, as a browser does) so every hop can be inspected."""
    hops = []
    while response.status_code == 302 and len(hops) < limit:
        location = response["Location"]
        hops.append(location)
        response = client.get(location)
    return hops, response


def page_revisions(page: Page):
    return Revision.page_revisions.filter(object_id=str(page.pk))


@dataclass
class Scene:
    page: Page
    first_revision: Revision
    latest_revision: Revision
    coventry_home: Page
    coventry_get_involved: Page
    secrets: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.page.title


def make_scene(network, page: Page, draft_field: str, user, secrets: list[str]) -> Scene:
    """Give the page an unpublished draft (a second revision): a new title and DRAFT_SECRET."""
    first = page_revisions(page).order_by("pk").first()
    page.title = DRAFT_TITLE
    setattr(page, draft_field, DRAFT_SECRET)
    latest = page.save_revision(user=user)
    page = Page.objects.get(pk=page.pk).specific  # back to the live content
    return Scene(
        page=page,
        first_revision=first,
        latest_revision=latest,
        coventry_home=network.coventry_home,
        coventry_get_involved=network.coventry_page("get-involved"),
        secrets=[*secrets, DRAFT_TITLE, DRAFT_SECRET],
    )


NATIONAL_TARGETS = {
    # slug -> (the field the draft changes, phrases only the national page has)
    "about": ("intro", ["Why now?", "Jo Cox Foundation"]),
    "home": (
        "hero_text",
        ["Working together to build strong relationships", "friendly wave through the window"],
    ),
}


def snapshot(network) -> dict:
    """Everything a refused request could have changed."""
    national = network.national_home.get_descendants(inclusive=True)
    national_ids = list(national.values_list("pk", flat=True))
    settings = SiteSettings.for_site(network.national_site)
    return {
        "national_pages": list(
            Page.objects.filter(pk__in=national_ids)
            .order_by("path")
            .values_list(
                "pk",
                "path",
                "url_path",
                "title",
                "draft_title",
                "slug",
                "live",
                "has_unpublished_changes",
                "locked",
                "latest_revision_id",
                "live_revision_id",
            )
        ),
        "national_revisions": Revision.page_revisions.filter(
            object_id__in=[str(pk) for pk in national_ids]
        ).count(),
        "view_restrictions": PageViewRestriction.objects.count(),
        "all_pages": list(Page.objects.order_by("path").values_list("pk", "path", "slug", "live")),
        "coventry_children": list(
            network.coventry_home.get_children().values_list("pk", "slug", "title")
        ),
        "national_settings": (
            settings.display_name,
            settings.contact_email,
            settings.tagline,
            settings.updated_at,
            list(settings.navigation_items.values_list("pk", "page_id", "sort_order")),
            list(settings.social_links.values_list("pk", "url")),
        ),
    }


def edit_data(scene: Scene) -> dict:
    return {
        "title": HIJACKED,
        "slug": scene.page.slug,
        "intro": HIJACKED,
        "hero_text": HIJACKED,
        "action-publish": "action-publish",
    }


def lock_page_first(scene: Scene, user) -> None:
    scene.page.locked = True
    scene.page.locked_by = user
    scene.page.save(update_fields=["locked", "locked_by"])


@dataclass(frozen=True)
class View:
    id: str
    method: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict] = lambda scene: {}
    hops: int = 1  # redirects before the dashboard that says DENIED
    # what a user allowed to use the view gets on GET (a number, or worked out from the scene)
    allowed_status: "int | Callable[[Scene], int]" = 200
    lock_first: bool = False
    names_the_page: bool = True  # its page, when allowed, names the page (draft or live title)
    superuser_only: bool = False  # no editors' group holds the permission it needs


def page_url(name, *extra):
    return lambda scene: reverse(
        f"wagtailadmin_pages:{name}", args=[scene.page.pk, *(e(scene) for e in extra)]
    )


def into_coventry_home(scene):
    return scene.coventry_home.pk


def into_coventry_get_involved(scene):
    return scene.coventry_get_involved.pk


def add_subpage_status(scene: Scene) -> int:
    """With a single creatable page type, add_subpage redirects straight to the add form."""
    page_class = scene.page.specific_class
    creatable = [m for m in page_class.creatable_subpage_models() if m.can_create_at(scene.page)]
    return 302 if len(creatable) == 1 else 200


PAGE_VIEWS = [
    View("edit", "get", page_url("edit")),
    View("edit", "post", page_url("edit"), edit_data),
    # GET without a previously POSTed form: a "preview not available" page.
    View("preview_on_edit", "get", page_url("preview_on_edit"), names_the_page=False),
    View("preview_on_edit", "post", page_url("preview_on_edit"), edit_data),
    View("view_draft", "get", page_url("view_draft")),
    View("history", "get", page_url("history")),
    View("history_results", "get", page_url("history_results"), names_the_page=False),
    # revisions_index is an old URL that redirects to the history view, which refuses.
    # Wagtail redirects revisions_index to the history view; the page guard refuses first.
    View("revisions_index", "get", page_url("revisions_index"), allowed_status=302),
    View("revisions_view", "get", page_url("revisions_view", first_revision_pk)),
    View(
        "revisions_compare",
        "get",
        page_url("revisions_compare", first_revision_pk, latest_revision_pk),
    ),
    View(
        "revisions_compare_live",
        "get",
        lambda scene: reverse(
            "wagtailadmin_pages:revisions_compare", args=[scene.page.pk, "live", "latest"]
        ),
    ),
    View("revisions_revert", "get", page_url("revisions_revert", first_revision_pk)),
    View("revisions_revert", "post", page_url("revisions_revert", first_revision_pk), edit_data),
    View("revisions_unschedule", "post", page_url("revisions_unschedule", latest_revision_pk)),
    View("workflow_history", "get", page_url("workflow_history")),
    View("usage", "get", page_url("usage")),
    View("copy", "get", page_url("copy")),
    View(
        "copy",
        "post",
        page_url("copy"),
        lambda scene: {
            "new_title": "Copied by Coventry",
            "new_slug": "copied-by-coventry",
            "new_parent_page": scene.coventry_home.pk,
            "copy_subpages": "on",
            "publish_copies": "on",
        },
    ),
    View("delete", "get", page_url("delete")),
    View("delete", "post", page_url("delete")),
    View("move", "get", page_url("move")),
    View(
        "move", "post", page_url("move"), lambda s: {"new_parent_page": s.coventry_get_involved.pk}
    ),
    View("move_confirm_into_coventry_home", "get", page_url("move_confirm", into_coventry_home)),
    View("move_confirm_into_coventry_home", "post", page_url("move_confirm", into_coventry_home)),
    View(
        "move_confirm_into_get_involved",
        "get",
        page_url("move_confirm", into_coventry_get_involved),
    ),
    View(
        "move_confirm_into_get_involved",
        "post",
        page_url("move_confirm", into_coventry_get_involved),
    ),
    View(
        "set_page_position",
        "post",
        lambda scene: (
            reverse("wagtailadmin_pages:set_page_position", args=[scene.page.pk]) + "?position=0"
        ),
    ),
    View("unpublish", "get", page_url("unpublish")),
    View("unpublish", "post", page_url("unpublish"), lambda s: {"include_descendants": "on"}),
    View("lock", "post", page_url("lock")),
    View("unlock", "post", page_url("unlock"), lock_first=True),
    View("set_privacy", "get", page_url("set_privacy"), names_the_page=False),  # a modal
    View(
        "set_privacy",
        "post",
        page_url("set_privacy"),
        lambda s: {"restriction_type": "password", "password": "letmein"},
    ),
    View("add_subpage", "get", page_url("add_subpage"), allowed_status=add_subpage_status),
    View(
        "add",
        "get",
        lambda s: reverse("wagtailadmin_pages:add", args=["core", "standardpage", s.page.pk]),
    ),
    View(
        "add",
        "post",
        lambda s: reverse("wagtailadmin_pages:add", args=["core", "standardpage", s.page.pk]),
        lambda s: {
            "title": "Planted by Coventry",
            "slug": "planted-by-coventry",
            "intro": HIJACKED,
            "action-publish": "action-publish",
        },
    ),
    View(
        "submit_translation",
        "get",
        lambda s: reverse("wagtail_localize:submit_page_translation", args=[s.page.pk]),
        superuser_only=True,
    ),
    View(
        "submit_translation",
        "post",
        lambda s: reverse("wagtail_localize:submit_page_translation", args=[s.page.pk]),
        lambda s: {
            "locales": [Locale.objects.get(language_code="cy").pk],
            "include_subtree": "on",
        },
    ),
]


GET_VIEWS = [view for view in PAGE_VIEWS if view.method == "get"]


def view_id(view: View) -> str:
    return f"{view.method.upper()}-{view.id}"


def move_slug_collides(view: View, scene: Scene) -> bool:
    """Moving a page next to a sibling with its slug is stopped before any permission check:
    Wagtail sends the user back to the move view (which then refuses): one more hop."""
    if not view.id.startswith("move_confirm"):
        return False
    destination = (
        scene.coventry_home if view.id.endswith("coventry_home") else scene.coventry_get_involved
    )
    siblings = destination.get_children().exclude(pk=scene.page.pk)
    return siblings.filter(slug=scene.page.slug).exists()


def expected_status(view: View, scene: Scene) -> int:
    if callable(view.allowed_status):
        return view.allowed_status(scene)
    return 302 if move_slug_collides(view, scene) else view.allowed_status


def assert_allowed(response, view: View, scene: Scene) -> None:
    """The view worked, and (when it renders) shows the page: it would leak if it let anyone in."""
    assert response.status_code == expected_status(view, scene)
    assert DENIED not in body(response)
    if response.status_code == 200 and view.names_the_page:
        assert scene.title in body(response) or DRAFT_TITLE in body(response)


@dataclass
class Moderation:
    scene: Scene
    workflow_state: object
    task_state: object

    @property
    def page(self) -> Page:
        return self.scene.page

    @property
    def secrets(self) -> list[str]:
        """The page's content, and that it is in moderation and where (national business)."""
        return [
            self.scene.title,
            *self.scene.secrets,
            self.workflow_state.workflow.name,
            self.task_state.task.name,
        ]


def workflow_url(name, *args):
    return lambda m: reverse(f"wagtailadmin_pages:{name}", args=[m.page.pk, *(a(m) for a in args)])


WORKFLOW_VIEWS = [
    View(
        "workflow_history_detail",
        "get",
        workflow_url("workflow_history_detail", lambda m: m.workflow_state.pk),
    ),
    View(
        "workflow_preview",
        "get",
        workflow_url("workflow_preview", lambda m: m.task_state.task_id),
    ),
    View(
        "workflow_action",
        "get",
        workflow_url("workflow_action", lambda m: "approve", lambda m: m.task_state.pk),
    ),
    View(
        "workflow_action",
        "post",
        workflow_url("workflow_action", lambda m: "approve", lambda m: m.task_state.pk),
        lambda m: {"comment": "Approved by Coventry"},
    ),
    View(
        "collect_workflow_action_data",
        "get",
        workflow_url(
            "collect_workflow_action_data", lambda m: "approve", lambda m: m.task_state.pk
        ),
    ),
    View("confirm_workflow_cancellation", "get", workflow_url("confirm_workflow_cancellation")),
]


def workflow_snapshot(moderation: Moderation) -> tuple:
    moderation.workflow_state.refresh_from_db()
    moderation.task_state.refresh_from_db()
    return (moderation.workflow_state.status, moderation.task_state.status)


BULK_ACTIONS = {
    # action -> (POST data, the refusal Wagtail shows for pages the user may not touch)
    "delete": ({}, "You don't have permission to delete this page"),
    "unpublish": ({"include_descendants": "on"}, "You don't have permission to unpublish"),
    "move": (None, "You don't have permission to move this page"),
    "publish": ({"include_descendants": "on"}, "You don't have permission to publish"),
}


def bulk_url(action: str, page: Page) -> str:
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    return f"{url}?id={page.pk}&next={admin_home()}"


def sidebar_explorer_start_page(response) -> int:
    """The start page of the "Pages" item of the admin sidebar (serialised by telepath)."""
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the admin page has no sidebar"
    starts = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.PageExplorerMenuItem":
                starts.append(node["_args"][-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(found.group(1)))
    assert len(starts) == 1, starts
    return starts[0]


def settings_url(site=None) -> str:
    args = ["network_sites", "sitesettings"] + ([site.pk] if site else [])
    return reverse("wagtailsettings:edit", args=args)


def form_errors(response) -> str:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return str(form.errors) if form is not None else f"status {response.status_code}"
