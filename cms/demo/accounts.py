"""The demo's accounts: the national editors' group and the demo users.

They follow the README's "Who publishes": a site's editors publish directly (national-editor
on the national site, coventry-editor through Coventry's editors group, made by
create_chapter), and each site's approval workflow is reviewed by that site's own people only
(here the national editors; a chapter's "<name> moderators").
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, Site

from chapters.provisioning import (
    MODERATOR_PAGE_PERMISSIONS,
    assign_approval_workflow,
    grant_site_editing,
    story_review_task,
)

NATIONAL_EDITORS = "National editors"
DEFAULT_PASSWORD = "demo"  # noqa: S105 - demo accounts only; refused under production settings


def national_editors_group(site: Site, collection: Collection) -> Group:
    """The national team: publishes the national site directly and approves what is submitted
    to its workflow; curates every site's stories."""
    group, _ = Group.objects.get_or_create(name=NATIONAL_EDITORS)
    grant_site_editing(group, site, collection, MODERATOR_PAGE_PERMISSIONS)
    # The whole story library, every site's: curate, promote, edit any story; manage themes.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="stories").exclude(
            codename__endswith="storyindexpage"
        ),
        # The member directory and the join requests are the national team's.
        *Permission.objects.filter(
            content_type__app_label="coalition",
            content_type__model__in=["member", "joinrequest"],
        ),
        # The SMTP servers the lists send through (chapters' provider accounts), and so the
        # choice of each list's server (newsletter.admin.permissions.may_choose_smtp_server).
        *Permission.objects.filter(
            content_type__app_label="newsletter", content_type__model="smtpserver"
        ),
        # Starting chapters and editing where they are (Admin → Chapters), never deleting one.
        *Permission.objects.filter(
            content_type__app_label="chapters",
            codename__in=["add_chapter", "change_chapter", "view_chapter"],
        ),
    )
    assign_approval_workflow(site.root_page, "Connection Coalition", group)
    story_review_task().groups.add(group)
    return group


def ensure_user(username: str, password: str, *, superuser=False, groups=()) -> None:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            email=f"{username}@connectioncoalition.example",
            first_name=username.replace("-", " ").title().split()[0],
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(password)
        user.save()
    user.groups.add(*groups)
