"""The story library in the Wagtail admin, scoped per site.

Wagtail checks most snippet views against *model* permissions only (may this user change
stories at all?). Every view that takes a story's id is therefore wrapped here and checked
against *that* story with StoryPermissionPolicy; the listing and the chooser are filtered the
same way. The bulk-action confirmation never names stories the user may not touch.
"""

import datetime

import django_filters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, StatusTagColumn, UpdatedAtColumn
from wagtail.models import Site, TaskState, WorkflowState
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet

from cms.core.choosing import ChosenObjectsFormMixin

from .models import Story, Theme
from .permissions import StoryPermissionPolicy

# The permission each id-taking view needs on that story; any other such view needs "change".
PK_VIEW_ACTIONS = {
    "inspect": "view",
    "delete": "delete",
    "unpublish": "publish",
    "revisions_unschedule": "publish",
    "lock": "lock",
    "unlock": "unlock",
}


def story_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Story, for_concrete_model=False)


def story_policy() -> StoryPermissionPolicy:
    return policy_registry.get_by_type(Story)


class StoryAdminForm(ChosenObjectsFormMixin, WagtailAdminModelForm):
    """Editors file stories under the sites they work on; only national editors promote; the
    photo and the story's links are objects the editor may choose."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None or "site" not in self.fields:
            return
        policy = story_policy()
        sites = policy.sites_user_has_any_permission_for(for_user, ["add", "change"])
        self.fields["site"].queryset = sites
        only_site = sites.first() if sites.count() == 1 else None
        if only_site is not None:
            self.fields["site"].empty_label = None
            if self.instance.pk is None:
                self.initial["site"] = only_site.pk
        if not policy.is_network_wide(for_user) and "reach" in self.fields:
            field = self.fields["reach"]
            if self.instance.reach == Story.Reach.NETWORK:
                field.disabled = True  # promoted by the national team: keep it so
            else:
                field.choices = [
                    choice for choice in field.choices if choice[0] != Story.Reach.NETWORK
                ]


Story.base_form_class = StoryAdminForm


# A story whose consent ends within this many days is "lapsing": its editors should ask the
# resident again (the listing's status column and its "Expires within 30 days" filter).
CONSENT_LAPSING_DAYS = 30


class ConsentFilter(django_filters.ChoiceFilter):
    def filter(self, queryset, value):
        today = timezone.localdate()
        if value == "valid":
            return queryset.consented(today)
        if value == "expiring":
            soon = today + datetime.timedelta(days=CONSENT_LAPSING_DAYS)
            return queryset.consented(today).filter(consent_expires_on__lte=soon)
        if value == "lapsed":
            return queryset.lapsed(today)
        return queryset


class StoryFilterSet(WagtailFilterSet):
    site = django_filters.ModelChoiceFilter(
        queryset=Site.objects.all(), label=_("Home site"), field_name="site"
    )
    reach = django_filters.ChoiceFilter(choices=Story.Reach.choices)
    themes = django_filters.ModelChoiceFilter(queryset=Theme.objects.all(), label=_("Theme"))
    live = django_filters.BooleanFilter(label=_("Published"))
    consent = ConsentFilter(
        label=_("Consent"),
        choices=[
            ("valid", _("Valid")),
            ("expiring", _("Expires within 30 days")),
            ("lapsed", _("Expired or withdrawn")),
        ],
    )

    class Meta:
        model = Story
        fields = ["site", "reach", "themes", "live", "locale"]


def chooseable_stories(user):
    """A page on this editor's site may show the network's stories and the site's own."""
    policy = story_policy()
    own_sites = policy.sites_user_has_any_permission_for(user, ["add", "change"])
    return Story.objects.filter(
        Q(site__in=own_sites) | Q(live=True, reach=Story.Reach.NETWORK)
    ).select_related("site")


def _chooseable(request):
    return chooseable_stories(request.user)


class ScopedChooseView(ChooseView):
    def get_object_list(self):
        return _chooseable(self.request)


class ScopedChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return _chooseable(self.request)


class ScopedChosenView(SnippetChosenView):
    def get_object(self, pk):
        return _chooseable(self.request).get(pk=unquote(pk))


class ScopedChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return _chooseable(self.request).filter(pk__in=pks)


class StoryChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView

    def get_urlpatterns(self):
        # Stories are written in the story editor (with its site rules), not from a chooser.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


# What the resident gave the story's own site: its editors' business, not the network's.
HOME_SITE_ONLY_FIELDS = {
    "submitter_email",
    "consent_given_on",
    "consent_scope",
    "consent_expires_on",
    "consent_withdrawn_at",
}


class StoryInspectView(InspectView):
    """Anyone working on stories may read a live story of another site: its live version, and
    not what the resident gave its home site (their email and consent details). Wagtail titles
    the page with the latest revision, which would show an unpublished draft."""

    def _may_change(self) -> bool:
        return story_policy().user_has_permission_for_instance(
            self.request.user, "change", self.object
        )

    def get_fields_context(self):
        if not self._may_change():
            self.fields = [name for name in self.fields if name not in HOME_SITE_ONLY_FIELDS]
        return super().get_fields_context()

    def get_page_subtitle(self):
        if self._may_change():
            return super().get_page_subtitle()
        return str(self.object)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if items:
            items[-1] = {**items[-1], "label": self.get_page_subtitle()}
        return items


class SiteColumn(Column):
    def get_value(self, instance):
        return instance.site.site_name or instance.site.hostname


class StoryStatusColumn(StatusTagColumn):
    """Draft, in moderation or live, and whether the resident's consent is lapsing (ends within
    CONSENT_LAPSING_DAYS) or has lapsed. Reads only the row and the `in_moderation` annotation
    of StoryViewSet.get_queryset: no query per row."""

    cell_template_name = "stories/admin/status_cell.html"

    def get_value(self, instance):
        if getattr(instance, "in_moderation", False):
            return _("in moderation")
        return _("live") if instance.live else _("draft")

    def get_primary(self, instance):
        return instance.live and not getattr(instance, "in_moderation", False)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        today = timezone.localdate()
        expires = instance.consent_expires_on
        if instance.consent_withdrawn_at or (expires and expires <= today):
            context["consent"] = _("consent lapsed")
        elif expires and expires <= today + datetime.timedelta(days=CONSENT_LAPSING_DAYS):
            context["consent"] = _("consent lapsing: ends %(date)s") % {
                "date": date_format(expires)
            }
        return context


def in_moderation():
    """Whether a story has a workflow in progress, as an annotation (one subquery)."""
    return Exists(
        WorkflowState.objects.filter(
            base_content_type=story_content_type(),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
    )


class StoryViewSet(SnippetViewSet):
    model = Story
    icon = "openquote"
    menu_label = _("Stories")
    menu_name = "stories"
    add_to_admin_menu = True
    menu_order = 250
    inspect_view_enabled = True
    copy_view_enabled = True
    filterset_class = StoryFilterSet
    chooser_viewset_class = StoryChooserViewSet
    inspect_view_class = StoryInspectView
    list_display = [
        "title",
        SiteColumn("site", label=_("Home site")),
        "reach",
        "town",
        StoryStatusColumn("status", label=_("Status")),
        UpdatedAtColumn(),
    ]
    list_per_page = 50

    def get_queryset(self, request):
        """Everything of the editor's own sites; elsewhere only what is published."""
        policy = self.permission_policy
        return (
            policy.instances_user_has_any_permission_for(request.user, ["view"])
            .select_related("site", "locale")
            .annotate(in_moderation=in_moderation())
            .order_by("-updated_at", "-pk")
        )

    def get_urlpatterns(self):
        return [self._guarded(pattern) for pattern in super().get_urlpatterns()]

    def _guarded(self, pattern):
        action = PK_VIEW_ACTIONS.get(pattern.name, "change")
        view = pattern.callback
        policy = self.permission_policy

        def guarded_view(request, *args, **kwargs):
            if "pk" in kwargs:
                try:
                    story = Story.objects.filter(pk=int(unquote(str(kwargs["pk"])))).first()
                except ValueError:
                    raise Http404 from None
                if story is not None and not policy.user_has_permission_for_instance(
                    request.user, action, story
                ):
                    return permission_denied(request)
                # Workflow actions name a task state too: it must be this story's, or a
                # reviewer could act on another site's story through their own story's URL.
                if story is not None and "task_state_id" in kwargs:
                    owned = TaskState.objects.filter(
                        pk=kwargs["task_state_id"],
                        workflow_state__base_content_type=story_content_type(),
                        workflow_state__object_id=str(story.pk),
                    )
                    if not owned.exists():
                        raise Http404
            return view(request, *args, **kwargs)

        pattern.callback = guarded_view
        return pattern


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Story themes")
    add_to_settings_menu = True
    list_display = ["name", "slug"]
