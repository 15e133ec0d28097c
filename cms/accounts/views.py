"""The admin's two-factor pages: the editor's own settings (enrol, turn off) and the code asked
for after the password. Routed in wagtail_hooks.py, so Wagtail's admin-access check applies."""

import django_otp
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import two_factor
from .forms import CodeForm


def safe_next(request, default: str) -> str:
    """The `next` the request carries if it points into this host, else the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def mark_verified(request, device) -> None:
    """This session has given a code: a new session key for the stronger login, then django-otp's
    own record of the device (what OTPMiddleware reads on every request)."""
    request.session.cycle_key()
    django_otp.login(request, device)


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class TwoFactorSettingsView(WagtailAdminTemplateMixin, View):
    """One page, three states: off (a button to start), enrolling (QR code, key, confirm), on
    (turn it off with a current code, unless it is required for this account)."""

    template_name = "accounts/two_factor.html"
    page_title = gettext_lazy("Two-factor authentication")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [
            {"url": reverse("wagtailadmin_account"), "label": _("Account")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        return self.render(form=None)

    def post(self, request):
        user = request.user
        action = request.POST.get("action")
        if action == "start":
            two_factor.start_enrolment(user)
            return redirect(self.here())
        if action == "confirm":
            return self.confirm(request)
        if action == "disable":
            return self.disable(request)
        messages.error(request, _("Nothing was changed: the form did not say what to do."))
        return redirect(self.here())

    def here(self) -> str:
        url = reverse("accounts_two_factor")
        next_url = safe_next(self.request, "")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def confirm(self, request):
        device = two_factor.pending_device(request.user)
        if device is None:
            messages.error(request, _("Start again: that set-up had already finished or expired."))
            return redirect(self.here())
        form = CodeForm(request.POST, device=device)
        if not form.is_valid():
            return self.render(form=form)
        if two_factor.confirm_enrolment(device):
            mark_verified(request, device)
            messages.success(
                request, _("Two-factor authentication is on. We will ask for a code at sign-in.")
            )
        return redirect(safe_next(request, reverse("accounts_two_factor")))

    def disable(self, request):
        user = request.user
        device = two_factor.confirmed_device(user)
        if device is None:
            return redirect(self.here())
        if two_factor.is_required(user):
            messages.error(
                request, _("Two-factor authentication is required for your account; it stays on.")
            )
            return redirect(self.here())
        form = CodeForm(request.POST, device=device)
        if not form.is_valid():
            return self.render(form=form)
        two_factor.remove_devices(user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect(self.here())

    def render(self, form, status=200):
        user = self.request.user
        device = two_factor.confirmed_device(user)
        pending = None if device else two_factor.pending_device(user)
        context = self.get_context_data(
            device=device,
            pending=pending,
            form=form or CodeForm(device=device or pending),
            required=two_factor.is_required(user),
            next=safe_next(self.request, ""),
        )
        if pending is not None:
            context["qr_code"] = mark_safe(two_factor.qr_code_svg(pending))  # noqa: S308 segno's own SVG
            context["readable_key"] = two_factor.readable_key(pending)
        return TemplateResponse(self.request, self.template_name, context, status=status)


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class VerifyView(View):
    """After the password: the code, before any other admin page opens."""

    template_name = "accounts/two_factor_verify.html"

    def get(self, request):
        device = two_factor.confirmed_device(request.user)
        if device is None or request.user.is_verified():
            return redirect(safe_next(request, reverse("wagtailadmin_home")))
        return self.render(CodeForm(device=device))

    def post(self, request):
        device = two_factor.confirmed_device(request.user)
        if device is None or request.user.is_verified():
            return redirect(safe_next(request, reverse("wagtailadmin_home")))
        form = CodeForm(request.POST, device=device)
        if not form.is_valid():
            return self.render(form)
        mark_verified(request, device)
        return redirect(safe_next(request, reverse("wagtailadmin_home")))

    def render(self, form, status=200):
        context = {"form": form, "next": safe_next(self.request, "")}
        return TemplateResponse(self.request, self.template_name, context, status=status)
