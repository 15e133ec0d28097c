"""The SMTP servers' screens beyond Wagtail's generic ones (viewsets.SmtpServerViewSet): a
"Test the connection" page, and a delete that refuses a server lists still send through."""

import smtplib
import ssl

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView
from wagtail.admin.widgets import Button

from ...models import SmtpServer
from ...pipeline.servers import check_server

TEST_URL_NAME = "newsletter_smtp_servers:test"


def _test_url(server: SmtpServer) -> str:
    return reverse(TEST_URL_NAME, args=[server.pk])


class SmtpServerIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons.append(
                MenuItem(_("Test the connection"), _test_url(instance), icon_name="mail")
            )
        return buttons


class SmtpServerEditView(EditView):
    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(_("Test the connection"), _test_url(self.object), icon_name="mail"),
        ]


class SmtpServerDeleteView(DeleteView):
    """Lists keep their server (PROTECT): the editor is told which lists to move first,
    rather than meeting a server error."""

    def form_valid(self, form):
        in_use = list(self.object.lists.values_list("name", flat=True))
        if not in_use:
            try:
                return super().form_valid(form)
            except ProtectedError:  # a list chose it meanwhile
                in_use = list(self.object.lists.values_list("name", flat=True))
        messages.error(
            self.request,
            _(
                "%(server)s still sends the mail of: %(lists)s. Choose another server for them "
                "first."
            )
            % {"server": self.object.name, "lists": ", ".join(in_use)},
        )
        return redirect(self.edit_url_name, self.object.pk)


def _answer(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    return f"{exc.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def describe_failure(exc: Exception) -> str:
    """What went wrong, in the words an editor can act on, with the server's own answer."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("The server refused the login: %(answer)s. Check the username and password.") % {
            "answer": _answer(exc)
        }
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _(
            "The server does not offer what this setting needs (%(error)s): check the security "
            "setting, and whether the server asks for a login."
        ) % {"error": exc}
    if isinstance(exc, smtplib.SMTPResponseException):
        return _("The server answered with an error: %(answer)s.") % {"answer": _answer(exc)}
    if isinstance(exc, ssl.SSLError):
        return _(
            "The secure connection failed (%(error)s): check the security setting and the port."
        ) % {"error": exc}
    if isinstance(exc, TimeoutError):
        return _("The server did not answer in time: check the host, the port and any firewall.")
    if isinstance(exc, smtplib.SMTPException | OSError):
        return _("Could not talk to the server: %(error)s. Check the host and the port.") % {
            "error": str(exc) or type(exc).__name__
        }
    return _("The test failed: %(error)s.") % {"error": f"{type(exc).__name__}: {exc}"}


@require_http_methods(["GET", "POST"])
def test_connection_view(request, pk):
    """GET: what the test does; POST: connect, log in, and show the server's answer."""
    if not request.user.has_perm("newsletter.change_smtpserver"):
        return permission_denied(request)
    server = get_object_or_404(SmtpServer, pk=pk)
    result = None
    if request.method == "POST":
        try:
            answer = check_server(server)
        except Exception as exc:
            result = {"ok": False, "message": describe_failure(exc)}
        else:
            result = {
                "ok": True,
                "message": _("Connected and logged in; the server answered: %(answer)s")
                % {"answer": answer},
            }
    return TemplateResponse(
        request,
        "newsletter/admin/smtp_server_test.html",
        {
            "server": server,
            "result": result,
            "edit_url": reverse("newsletter_smtp_servers:edit", args=[server.pk]),
            "page_title": _("Test the connection"),
            "page_subtitle": server.name,
            "header_icon": "mail",
        },
    )
