"""Provisioning a site for a group of editors: the national site and every chapter's.

Everything is get-or-create inside one transaction, so running it twice is harmless and a run
that fails half-way leaves nothing behind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
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
from cms.formpages.models import FormField, FormPage
from cms.stories.models import Story, StoryIndexPage
from sites.models import NavigationItem, SiteSettings

from .models import Chapter

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "bulk_delete_page"]
# Held per site (GroupSitePermission): a chapter works on its own stories only.
STORY_PERMISSIONS = ["add", "change", "delete", "publish", "lock", "unlock", "view"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
CHAPTER_SECTIONS = [
    # (title, slug, page class, intro)
    ("About", "about", StandardPage, "Who we are and why we are connecting for good."),
    ("Stories", "stories", StoryIndexPage, "Stories of connection from our city."),
    ("Get involved", "get-involved", StandardPage, "Volunteer, have a chat, or join us."),
    ("News", "news", NewsIndexPage, "What is happening in our chapter."),
]


# The forms every chapter starts with, under "Get involved"; editors change the fields.
CHAPTER_FORMS = [
    {
        "slug": "volunteer",
        "title": "Volunteer",
        "intro": "<p>Volunteer your time, passions and skills.</p>",
        "fields": [
            ("Your name", "singleline", True, ""),
            ("Email address", "email", True, ""),
            ("Phone number", "singleline", False, ""),
            (
                "How would you like to help?",
                "checkboxes",
                False,
                "Befriending\nDeliveries and errands\nEvents\nDigital skills\nSomething else",
            ),
            ("Tell us a little about yourself", "multiline", False, ""),
        ],
    },
    {
        "slug": "have-a-chat",
        "title": "Have a chat",
        "intro": "<p>Have a chat with one of our team.</p>",
        "fields": [
            ("Your name", "singleline", True, ""),
            ("Email address", "email", True, ""),
            ("Phone number", "singleline", False, ""),
            ("Best time to call", "dropdown", False, "Morning\nAfternoon\nEvening"),
            ("What would you like to talk about?", "multiline", True, ""),
        ],
    },
]


class ProvisioningError(ValueError):
    """Raised with a message fit to show the operator."""


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


def _check_hostname_free(hostname: str, slug: str) -> None:
    taken = Site.objects.filter(hostname=hostname).select_related("chapter").first()
    if taken is None:
        return
    owner = getattr(taken, "chapter", None)
    if owner is None or owner.slug != slug:
        raise ProvisioningError(
            f"The hostname {hostname!r} is already used by the site {taken.site_name!r}."
        )


def child_page(parent: Page, slug: str, build: Callable[[], Page]) -> Page:
    """The child of `parent` at `slug` if there is one (whatever an editor made of it), else
    the unsaved page build() returns, added there and published. The page takes its parent's
    locale."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = build()
    page.slug = slug
    if page.locale_id is None:
        page.locale_id = parent.locale_id
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _add_sections(home: Page) -> dict[str, Page]:
    return {
        slug: child_page(home, slug, partial(page_class, title=title, intro=intro))
        for title, slug, page_class, intro in CHAPTER_SECTIONS
    }


def _form_page(spec: dict) -> FormPage:
    page = FormPage(title=spec["title"], intro=spec["intro"], subject=f"{spec['title']} form")
    page.form_fields = [
        FormField(
            label=label, field_type=field_type, required=required, choices=choices, sort_order=order
        )
        for order, (label, field_type, required, choices) in enumerate(spec["fields"])
    ]
    return page


def _add_forms(parent: Page) -> None:
    for spec in CHAPTER_FORMS:
        child_page(parent, spec["slug"], partial(_form_page, spec))


NEWSLETTER_INTRO = (
    "<p>Receive our latest news: stories of connection, events and ways to get involved, "
    "a few times a year.</p>"
)


def _add_newsletter(home: Page, site: Site, name: str) -> None:
    """/newsletter/ (the signup form and the archive) and the site's own list. The newsletter
    app sits above chapters: its models are looked up by label, never imported. A page the
    editors already put at /newsletter/ is left alone."""
    index_class = apps.get_model("newsletter", "NewsletterIndexPage")
    newsletter_list_class = apps.get_model("newsletter", "NewsletterList")
    if not index_class.objects.child_of(home).exists():
        child_page(
            home, "newsletter", partial(index_class, title="Newsletter", intro=NEWSLETTER_INTRO)
        )
    newsletter_list_class.objects.get_or_create(
        site=site, defaults={"name": name, "from_name": name}
    )


@transaction.atomic
def provision_chapter(
    slug: str,
    name: str,
    hostname: str,
    city: str = "",
    port: int = 80,
    home_title: str | None = None,
) -> ProvisionResult:
    """Create (or complete) a chapter: Site, home with its sections, groups, collection."""
    slug = slug.strip().lower()
    hostname = hostname.strip().lower()
    if not name.strip():
        raise ProvisioningError("A chapter needs a name.")
    Chapter._meta.get_field("slug").run_validators(slug)
    if not hostname or any(char in hostname for char in "/: "):
        raise ProvisioningError(f"{hostname!r} is not a hostname (no scheme, port or path).")
    _check_hostname_free(hostname, slug)

    existing = Chapter.objects.select_related("site").filter(slug=slug).first()
    if existing is not None and existing.site.hostname != hostname:
        raise ProvisioningError(
            f"The chapter {slug!r} already exists with the hostname {existing.site.hostname!r}."
        )

    site = existing.site if existing else Site.objects.filter(hostname=hostname).first()
    if site is None:
        root = Page.get_first_root_node()
        home = ChapterHomePage(
            title=home_title or name,
            slug=slug,
            hero_heading=home_title or name,
            locale=Locale.get_default(),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, site_name=name, is_default_site=False
        )
    home = site.root_page.specific
    sections = _add_sections(home)
    _add_forms(sections["get-involved"])
    _add_newsletter(home, site, name)

    site_settings = SiteSettings.for_site(site)
    if not site_settings.display_name:
        site_settings.display_name = name
        site_settings.tagline = f"{city} chapter of the Connection Coalition" if city else ""
        site_settings.theme = "chapter"
        site_settings.save()
        for order, page in enumerate(sections.values()):
            NavigationItem.objects.create(settings=site_settings, page=page, sort_order=order)

    editors, _ = Group.objects.get_or_create(name=f"{name} editors")
    moderators, _ = Group.objects.get_or_create(name=f"{name} moderators")
    collection = existing.collection if existing else child_collection(name)
    grant_site_editing(editors, site, collection, EDITOR_PAGE_PERMISSIONS)
    grant_site_editing(moderators, site, collection, MODERATOR_PAGE_PERMISSIONS)
    assign_approval_workflow(home, name, moderators)
    story_review_task().groups.add(editors, moderators)

    if existing is not None:
        return ProvisionResult(existing, created=False)
    chapter = Chapter.objects.create(
        slug=slug,
        name=name,
        city=city,
        site=site,
        editors_group=editors,
        moderators_group=moderators,
        collection=collection,
    )
    return ProvisionResult(chapter, created=True)
