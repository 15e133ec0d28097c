"""Where newsletters plug into the Wagtail admin: the send page of each issue (a button on the
issue), the "Newsletters" overview in the menu (with each list's settings and subscribers: the
ViewSet in newsletter/admin/viewsets.py), the SMTP servers in Settings, and guards on deleting
sent issues."""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page

from .admin.permissions import may_send
from .admin.viewsets import NewsletterAdminViewSet, SmtpServerViewSet
from .blocks import NewsletterSignupBlock
from .models import NewsletterIssuePage, Send
from .provisioning import add_newsletter


@hooks.register("register_admin_viewset")
def register_newsletter_admin():
    return NewsletterAdminViewSet()


@hooks.register("register_admin_viewset")
def register_smtp_servers_admin():
    return SmtpServerViewSet()


@hooks.register("register_permissions")
def register_erasure_permission():
    """Offered in Settings → Groups, so an administrator can make a group the data team."""
    return Permission.objects.filter(
        content_type__app_label="newsletter", codename="erase_subscriber_everywhere"
    )


def _send_button(page, user, priority):
    if not issubclass(page.specific_class or object, NewsletterIssuePage):
        return None
    if not may_send(user, page):
        return None
    return Button(
        _("Newsletter: test, send, progress"),
        reverse("newsletter_admin:send", args=[page.pk]),
        icon_name="mail",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def issue_header_button(page, user, view_name, next_url=None):
    button = _send_button(page, user, priority=5)
    if button:
        yield button


@hooks.register("register_page_listing_more_buttons")
def issue_listing_button(page, user, next_url=None):
    button = _send_button(page, user, priority=5)
    if button:
        yield button


def _sent_issues_within(pages) -> bool:
    """Whether deleting these pages would delete an issue that has a send (kept for its
    delivery records: Send.issue is protected, so Wagtail would fail with a server error)."""
    paths = [page.path for page in pages if isinstance(page, Page)]
    if not paths:
        return False
    within = Q(pk__in=[])
    for tree_path in paths:
        within |= Q(issue__path__startswith=tree_path)
    return Send.objects.filter(within).exists()


def _refuse_delete(request):
    messages.error(
        request,
        gettext(
            "An issue that has been sent keeps its delivery records and cannot be deleted; "
            "unpublish it instead (a scheduled send can be cancelled first)."
        ),
    )
    return redirect("wagtailadmin_home")


@hooks.register("before_delete_page")
def keep_sent_issues(request, page):
    # Checked when the deletion is confirmed: the confirmation page itself harms nothing.
    if request.method == "POST" and _sent_issues_within([page]):
        return _refuse_delete(request)
    return None


@hooks.register("before_bulk_action")
def keep_sent_issues_in_bulk(request, action_type, objects, action_class_instance):
    if action_type == "delete" and request.method == "POST" and _sent_issues_within(objects):
        return _refuse_delete(request)
    return None


# --- registrations with lower layers ------------------------------------------------------


@hooks.register("register_page_body_blocks", order=200)
def page_body_blocks():
    """The signup form, offered in every page body (cms.core.blocks), after featured stories."""
    return [("newsletter_signup", NewsletterSignupBlock())]


# A new chapter's list and /newsletter/, after its other pages (chapters.provisioning).
hooks.register("provision_chapter_site", add_newsletter, order=600)
