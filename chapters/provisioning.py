"""Provisioning a site for a group of editors: the national site and every chapter's.

Everything is get-or-create inside one transaction, so running it twice is harmless and a run
that fails half-way leaves nothing behind.

Hook read here:

- ``provision_chapter_site``: a provisioning step, called with the chapter's
  cms.core.provisioning.SiteSetup inside provision_chapter's transaction, in hook order. A step
  makes what its app needs on a new site, get-or-create, and adds the pages of the site's menu
  with ``setup.add_section``, so the order of the steps is the order of the menu. Register with
  an explicit ``order=``; the steps today:

  ===== =========================================== ============================================
  order step                                        registered in
  ===== =========================================== ============================================
  100   About                                       chapters/wagtail_hooks.py
  200   Stories (the story index)                   cms/stories/wagtail_hooks.py
  300   Get involved                                chapters/wagtail_hooks.py
  400   News                                        chapters/wagtail_hooks.py
  500   the Volunteer and Have a chat forms, under  cms/formpages/wagtail_hooks.py
        Get involved
  600   the site's newsletter list and /newsletter/ newsletter/wagtail_hooks.py
  900   the ways to get involved: Get involved's    chapters/wagtail_hooks.py
        buttons (newsletter, share your story) and
        the home's hero button
  ===== =========================================== ============================================

An index page (Get involved, About…) shows its live child pages as cards
(templates/includes/child_cards.html), so the forms under Get involved need no link of their own.
"""

from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape
from wagtail import hooks
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from cms.core.models import ChapterHomePage, NewsIndexPage, SiteScopedApprovalTask, StandardPage
from cms.core.provisioning import SiteSetup, call_to_action
from cms.core.queue import enqueue_on_commit
from cms.stories.models import Story
from sites.models import NavigationItem, SiteSettings

from .invitations import add_first_editor
from .models import Chapter, split_towns
from .tasks import send_editor_invitation
from .validation import (
    ProvisioningError as ProvisioningError,
)  # raised from here, caught by callers
from .validation import (
    checked_colours,
    checked_editor_email,
    checked_existing,
    checked_hostname,
    checked_hostname_free,
    checked_languages,
    checked_name,
    checked_name_free,
    checked_region,
    checked_slug,
)

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "bulk_delete_page"]
# Held per site (GroupSitePermission): a chapter works on its own stories only.
STORY_PERMISSIONS = ["add", "change", "delete", "publish", "lock", "unlock", "view"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
PROVISIONING_STEPS_HOOK = "provision_chapter_site"


@dataclass
class ProvisionResult:
    chapter: Chapter
    created: bool


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_admin_access(group: Group) -> None:
    group.permissions.add(_permission("wagtailadmin", "access_admin"))


def grant_page_tree(group: Group, page: Page, codenames: list[str]) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def grant_collection(group: Group, collection: Collection) -> None:
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )


def grant_for_site(group: Group, site: Site, model, actions: list[str]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    for action in actions:
        permission = Permission.objects.get(
            content_type=content_type, codename=f"{action}_{model._meta.model_name}"
        )
        GroupSitePermission.objects.get_or_create(group=group, site=site, permission=permission)


def grant_site_settings(group: Group, site: Site) -> None:
    grant_for_site(group, site, SiteSettings, ["change"])


def grant_site_editing(group: Group, site: Site, collection: Collection, page_codenames) -> None:
    """What any site's editors get: the admin, their tree, their collection, their settings."""
    grant_admin_access(group)
    grant_page_tree(group, site.root_page, page_codenames)
    grant_collection(group, collection)
    grant_site_settings(group, site)
    grant_for_site(group, site, Story, STORY_PERMISSIONS)


def grant_translating(group: Group) -> None:
    """Translating their own site with wagtail-localize (its views are scoped per site:
    chapters.localize_views). Each row of a listing then shows wagtail-localize's "Translate"
    and "Sync" buttons, at two queries a row."""
    group.permissions.add(_permission("wagtail_localize", "submit_translation"))


def assign_approval_workflow(home: Page, name: str, approvers: Group) -> Workflow:
    """Pages under this home are approved by this site's own moderators, not by a global
    group: Wagtail's default workflow on the tree root would let any moderator approve them."""
    workflow, _ = Workflow.objects.get_or_create(name=f"{name} approval")
    task = GroupApprovalTask.objects.filter(name=f"{name} moderators approve").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{name} moderators approve")
    task.groups.add(approvers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


STORY_WORKFLOW = "Story approval"
STORY_TASK = "The story's own site approves"


def story_review_task() -> SiteScopedApprovalTask:
    """One workflow for every story; each reviewer approves only their own sites' stories."""
    workflow, _ = Workflow.objects.get_or_create(name=STORY_WORKFLOW)
    task = SiteScopedApprovalTask.objects.filter(name=STORY_TASK).first()
    if task is None:
        task = SiteScopedApprovalTask.objects.create(name=STORY_TASK)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Story), defaults={"workflow": workflow}
    )
    return task


def child_collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


# --- the steps of chapters' own sections (registered in chapters/wagtail_hooks.py) ----------


def add_about(setup: SiteSetup) -> None:
    setup.add_section(
        "about",
        partial(
            StandardPage,
            title="About",
            intro="Who we are and why we are connecting for good.",
        ),
    )


def add_get_involved(setup: SiteSetup) -> None:
    setup.add_section(
        "get-involved",
        partial(StandardPage, title="Get involved", intro="Volunteer, have a chat, or join us."),
    )


def _get_involved_buttons(setup: SiteSetup) -> list[dict]:
    """Buttons to what is not a child of Get involved: the newsletter signup, share your
    story (a route of the story index, so a URL), and the home's hero button."""
    buttons = []
    if (newsletter := setup.sections.get("newsletter")) is not None:
        buttons.append(call_to_action("Receive our newsletter", page=newsletter))
    if (stories := setup.sections.get("stories")) is not None:
        buttons.append(share_story_link(stories))
    return buttons


def share_story_link(stories: Page, label: str = "Share your story") -> dict:
    """A paragraph linking the story index's "Share your story" form. A link in rich text,
    not a button: its path is the site's own (no host or port, which a call to action's URL
    would need, and which change when the site moves)."""
    _site_id, _root_url, path = stories.get_url_parts()
    href = escape(path + stories.specific.reverse_subpage("share"))
    return {"type": "paragraph", "value": f'<p><a href="{href}">{escape(label)}</a></p>'}


def link_ways_to_get_involved(setup: SiteSetup) -> None:
    """Every way to get involved one click from the home: its hero button leads to Get
    involved, which lists the forms under it as cards and has buttons to the rest. Only what
    an editor has not filled in yet is written."""
    get_involved = setup.sections.get("get-involved")
    if get_involved is None:
        return
    get_involved = get_involved.specific
    if not get_involved.body:
        buttons = _get_involved_buttons(setup)
        if buttons:
            get_involved.body = buttons
            get_involved.save_revision().publish()
    home = setup.home
    if hasattr(home, "hero_cta_page") and not home.hero_cta_page_id and not home.hero_cta_label:
        home.hero_cta_label = "Get involved"
        home.hero_cta_page = get_involved
        home.save_revision().publish()


def add_news(setup: SiteSetup) -> None:
    setup.add_section(
        "news", partial(NewsIndexPage, title="News", intro="What is happening in our chapter.")
    )


def run_provisioning_steps(setup: SiteSetup) -> None:
    for step in hooks.get_hooks(PROVISIONING_STEPS_HOOK):
        step(setup)


# --- provisioning a chapter ----------------------------------------------------------------


def _checked(slug: str, name: str, hostname: str) -> tuple[str, str, str]:
    """The slug, name and hostname, normalised; ProvisioningError (chapters.validation) with a
    message for the operator if they cannot make a chapter."""
    name = checked_name(name)
    slug = checked_slug(slug)
    hostname = checked_hostname(hostname)
    checked_hostname_free(hostname, slug)
    checked_name_free(name, slug)
    return slug, name, hostname


def _new_site(slug: str, name: str, hostname: str, port: int, home_title: str | None) -> Site:
    """The Site at `hostname`, made with a published chapter home if there is none."""
    site = Site.objects.filter(hostname=hostname).first()
    if site is not None:
        return site
    home = ChapterHomePage(
        title=home_title or name,
        slug=slug,
        hero_heading=home_title or name,
        locale=Locale.get_default(),
    )
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    return Site.objects.create(
        hostname=hostname, port=port, root_page=home, site_name=name, is_default_site=False
    )


def _brand_new_site(setup: SiteSetup) -> None:
    """A site without settings yet gets its name, the chapter theme and its sections as menu."""
    site_settings = SiteSettings.for_site(setup.site)
    if site_settings.display_name:
        return
    site_settings.display_name = setup.name
    site_settings.tagline = (
        f"{setup.city} chapter of the Connection Coalition" if setup.city else ""
    )
    site_settings.theme = "chapter"
    site_settings.save()
    for order, page in enumerate(setup.sections.values()):
        NavigationItem.objects.create(settings=site_settings, page=page, sort_order=order)


def offer_languages(site: Site, locales: list[Locale]) -> None:
    """The site offers these languages too (never fewer than it did): each gets the site's home
    to translate under (SiteSettings.save, sites.languages)."""
    site_settings = SiteSettings.for_site(site)
    offered = set(site_settings.locales_offered.values_list("pk", flat=True))
    if {locale.pk for locale in locales} <= offered:
        return
    site_settings.locales_offered.add(*locales)
    site_settings.save()


@dataclass
class ChapterDetails:
    """What a new chapter may be given beyond its name and host: where it is (for "Find your
    local group"), its brand colours (blank: the settings' defaults) and its first editor."""

    region: str = ""
    towns: str = ""
    colours: dict[str, str] = field(default_factory=dict)
    editor_email: str = ""
    editor_name: str = ""


def _apply_colours(site: Site, colours: dict[str, str], is_new: bool) -> None:
    """A new chapter's brand colours (already checked); an existing one keeps its own."""
    if not is_new or not colours:
        return
    site_settings = SiteSettings.for_site(site)
    for name, value in colours.items():
        setattr(site_settings, name, value)
    site_settings.save()


def _editors_and_moderators(name: str, site: Site, home: Page, collection) -> tuple[Group, Group]:
    editors, _ = Group.objects.get_or_create(name=f"{name} editors")
    moderators, _ = Group.objects.get_or_create(name=f"{name} moderators")
    grant_site_editing(editors, site, collection, EDITOR_PAGE_PERMISSIONS)
    grant_site_editing(moderators, site, collection, MODERATOR_PAGE_PERMISSIONS)
    grant_translating(editors)
    grant_translating(moderators)
    assign_approval_workflow(home, name, moderators)
    story_review_task().groups.add(editors, moderators)
    return editors, moderators


@transaction.atomic
def provision_chapter(
    slug: str,
    name: str,
    hostname: str,
    city: str = "",
    port: int = 80,
    home_title: str | None = None,
    languages: list[str] | None = None,
    details: ChapterDetails | None = None,
    new_only: bool = False,
) -> ProvisionResult:
    """Create (or complete) a chapter: Site, home with the pages the provisioning steps make,
    groups, collection; offering `languages` (codes; English only by default); with `details`
    (chapters.validation checks them all first, so a refusal writes nothing). `new_only`: an
    existing chapter is refused rather than completed (the admin's "Start a chapter")."""
    details = details or ChapterDetails()
    slug, name, hostname = _checked(slug, name, hostname)
    locales = checked_languages(languages)
    region = checked_region(details.region)
    colours = checked_colours(details.colours) if details.colours else {}
    editor_email = checked_editor_email(details.editor_email) if details.editor_email else ""
    existing = checked_existing(slug, hostname, new_only=new_only)
    site = existing.site if existing else _new_site(slug, name, hostname, port, home_title)
    setup = SiteSetup(site=site, home=site.root_page.specific, name=name, city=city)
    run_provisioning_steps(setup)
    _brand_new_site(setup)
    _apply_colours(site, colours, is_new=existing is None)
    offer_languages(site, locales)
    collection = existing.collection if existing else child_collection(name)
    editors, moderators = _editors_and_moderators(name, site, setup.home, collection)
    chapter = existing or Chapter.objects.create(
        slug=slug,
        name=name,
        city=city,
        region=region,
        towns="\n".join(split_towns(details.towns)),
        site=site,
        editors_group=editors,
        moderators_group=moderators,
        collection=collection,
    )
    if editor_email:
        editor = add_first_editor(chapter, editor_email, details.editor_name)
        enqueue_on_commit(send_editor_invitation, editor.pk, chapter.pk)
    return ProvisionResult(chapter, created=existing is None)
