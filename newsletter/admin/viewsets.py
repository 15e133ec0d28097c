"""The newsletter admin's URLs and its "Newsletters" menu item, as one Wagtail ViewSet
(registered in newsletter/wagtail_hooks.py): /admin/newsletter/..., URL names in the
`newsletter_admin` namespace; and the SMTP servers lists may send through, a ModelViewSet in
Settings (/admin/newsletter/smtp-servers/...)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import SmtpServer
from .forms import SmtpServerForm
from .permissions import list_policy, may_erase_everywhere
from .views import erasure, lists, sending, servers, sources, subscribers


class NewslettersMenuItem(MenuItem):
    """Shown to whoever sees a list, and to the national data team (whose erasure page is
    reached from the Newsletters overview)."""

    def is_shown(self, request):
        if may_erase_everywhere(request.user):
            return True
        return list_policy.visible_lists(request.user).exists()


class NewsletterAdminViewSet(ViewSet):
    """The Newsletters overview (the menu item's page, the first URL), each issue's send page,
    each list's settings and subscribers, and the national data team's erasure page. Each view
    checks its own permission (see permissions.py)."""

    name = "newsletter_admin"
    url_prefix = "newsletter"
    icon = "mail"
    menu_label = _("Newsletters")
    menu_name = "newsletters"
    menu_order = 280
    add_to_admin_menu = True
    menu_item_class = NewslettersMenuItem

    def get_urlpatterns(self):
        return [
            path("", lists.lists_view, name="index"),
            path("send/<int:page_id>/", sending.send_view, name="send"),
            path("send/<int:page_id>/progress/", sending.progress_view, name="progress"),
            path("lists/<int:list_id>/edit/", lists.edit_list_view, name="edit_list"),
            path("lists/<int:list_id>/smtp-server/", lists.list_server_view, name="list_server"),
            path(
                "lists/<int:list_id>/subscribers/",
                subscribers.subscribers_view,
                name="subscribers",
            ),
            path(
                "lists/<int:list_id>/subscribers/<int:subscription_id>/",
                subscribers.subscriber_view,
                name="subscriber",
            ),
            path(
                "lists/<int:list_id>/subscribers/<int:subscription_id>/export/",
                subscribers.export_view,
                name="export",
            ),
            path(
                "lists/<int:list_id>/subscribers/<int:subscription_id>/erase/",
                subscribers.erase_view,
                name="erase",
            ),
            path("erasure/", erasure.erase_everywhere_view, name="erase_everywhere"),
            path("sources/", sources.sources_view, name="sources"),
        ]


class SmtpServerViewSet(ModelViewSet):
    """The national team's SMTP servers (Settings → SMTP servers). Wagtail's model permissions
    decide: only holders of newsletter's smtpserver permissions (never a chapter's editors)
    see the menu item or reach any of these URLs. The password is write-only (SmtpServerForm)
    and no column shows it."""

    model = SmtpServer
    name = "newsletter_smtp_servers"
    url_prefix = "newsletter/smtp-servers"
    icon = "mail"
    menu_label = _("SMTP servers")
    menu_name = "smtp_servers"
    add_to_settings_menu = True
    menu_order = 900
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name", "host", "username"]
    index_view_class = servers.SmtpServerIndexView
    edit_view_class = servers.SmtpServerEditView
    delete_view_class = servers.SmtpServerDeleteView

    def get_form_class(self, for_update=False):
        return SmtpServerForm

    @property
    def list_display(self):
        return [
            "name",
            "host",
            "port",
            Column("security", label=_("Security"), accessor="get_security_display"),
            "username",
            "rate_per_second",
            "rate_per_minute",
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/test/", servers.test_connection_view, name="test"),
        ]
