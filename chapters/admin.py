"""Admin → Chapters: the list of chapters and "Start a chapter", for the national team.

Chapters are a national matter: the views follow Wagtail's model permissions on Chapter
(`chapters.add_chapter`, `change_chapter`, `view_chapter`), which superusers and the national
editors hold and a chapter's own groups never do, so a chapter editor is refused (403) on
every URL here, GET or POST. Starting a chapter is the same provisioning as `create_chapter`
(chapters.forms.StartChapterForm), in one transaction; its first editor's invitation is
mailed by a worker once it is committed.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from sites.contrast import PAIRS

from .forms import StartChapterForm
from .invitations import admin_home_url
from .models import Chapter

NATIONAL_PERMISSIONS = ["chapters.add_chapter", "chapters.change_chapter", "chapters.view_chapter"]


def national_only(view):
    """Anyone without a permission on chapters gets a 403 here, before the view runs (whatever
    the method or the id in the URL), rather than Wagtail's redirect to the dashboard."""

    @wraps(view)
    def refuse_others(request, *args, **kwargs):
        if not any(request.user.has_perm(name) for name in NATIONAL_PERMISSIONS):
            return TemplateResponse(
                request,
                "chapters/admin/refused.html",
                {"page_title": _("Chapters"), "header_icon": "site"},
                status=403,
            )
        return view(request, *args, **kwargs)

    return refuse_others


class ChapterIndexView(IndexView):
    add_item_label = _("Start a chapter")


class StartChapterView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """The "Start a chapter" form: on success, a message linking the new site and its admin."""

    model = Chapter
    permission_required = "add"
    form_class = StartChapterForm
    template_name = "chapters/admin/start_chapter.html"
    page_title = _("Start a chapter")
    header_icon = "site"
    index_url_name = None
    add_url_name = None
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": self.get_success_url(), "label": _("Chapters")},
            {"url": "", "label": self.page_title},
        ]

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse(self.add_url_name),
            submit_button_label=_("Start the chapter"),
            submit_button_active_label=_("Starting the chapter…"),
            contrast_pairs=[
                {
                    "foreground": pair.foreground,
                    "background": pair.background,
                    "minimum": pair.minimum,
                    "description": str(pair.description),
                }
                for pair in PAIRS
            ],
            **kwargs,
        )

    def form_valid(self, form):
        port = site_port(self.request)
        try:
            with transaction.atomic():
                chapter = form.provision(port=port).chapter
        except ValidationError as error:  # what changed since the form's checks (a race)
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _started_message(chapter))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        messages.validation_error(self.request, _("The chapter could not be started."), form)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def site_port(request) -> int:
    """The new Site's port: 443 under https settings (as create_chapter), else the port the
    admin is served on (8000 under `make demo`), so the chapter's links work where it runs."""
    if getattr(settings, "SECURE_SSL_REDIRECT", False):
        return 443
    port = request.get_port()
    return int(port) if str(port).isdigit() else 80


def _started_message(chapter: Chapter):
    return format_html(
        '{} <a href="{}">{}</a> · <a href="{}">{}</a>',
        _("%(name)s is started.") % {"name": chapter.name},
        chapter.site.root_url + "/",
        _("Visit the site"),
        admin_home_url(chapter),
        _("Its admin"),
    )


class ChapterViewSet(ModelViewSet):
    model = Chapter
    icon = "site"
    menu_label = _("Chapters")
    name = "chapters"
    url_prefix = "chapters"
    add_to_admin_menu = True
    menu_order = 250
    index_view_class = ChapterIndexView
    add_view_class = StartChapterView
    # A chapter's place is edited here; its name, host and groups are provisioning's.
    form_fields = ["city", "region", "towns"]
    search_fields = ["name", "city", "region", "towns"]
    list_filter = ["region"]
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("Name"), url_name=self.get_url_name("edit")),
            Column("city", label=_("City")),
            Column("region", label=_("Region")),
            Column("site", label=_("Hostname"), accessor="site.hostname"),
        ]

    def get_queryset(self, request):
        return Chapter.objects.select_related("site")

    def get_add_view_kwargs(self, **kwargs):
        return kwargs

    def get_common_view_kwargs(self, **kwargs):
        # A chapter is never deleted from here: its site, pages and groups would be left.
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})

    def get_urlpatterns(self):
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]
        for pattern in patterns:
            pattern.callback = national_only(pattern.callback)
        return patterns
