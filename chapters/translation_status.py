"""The "Translation status" report (admin → Reports): for one site, each of its pages and stories
in each language the site offers besides the default, and where its translation stands:

- not translated: no version in that language yet ("Translate" starts wagtail-localize's);
- out of date: the English was changed (a new revision) after the translation was last synced
  from it (`TranslationSource.last_updated_at`): "Sync" runs wagtail-localize's sync;
- up to date: synced since the English last changed;
- translated by hand: a version exists that wagtail-localize does not keep in step (made by
  copying, or its sync stopped).

An editor sees the sites they edit (a chapter editor: their own); a superuser picks any site.
wagtail-localize's own "Translations" report lists translation records; this one answers "what
is left to do on my site".
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation, TranslationSource

from cms.stories.models import Story
from sites.models import SiteSettings

from .scoping import in_permitted_trees

NOT_TRANSLATED = "not-translated"
OUT_OF_DATE = "out-of-date"
UP_TO_DATE = "up-to-date"
BY_HAND = "by-hand"
STATUS_LABELS = {
    NOT_TRANSLATED: _("Not translated"),
    OUT_OF_DATE: _("Out of date"),
    UP_TO_DATE: _("Up to date"),
    BY_HAND: _("Translated by hand"),
}
URL_NAME = "chapters_translation_status"


def sites_user_edits(user) -> QuerySet:
    """The sites whose home is in the user's trees (every site for a superuser)."""
    scope = in_permitted_trees(user)
    sites = Site.objects.order_by("-is_default_site", "site_name", "hostname")
    if scope is None:
        return sites
    return sites.filter(root_page__in=Page.objects.filter(scope).values("pk"))


def languages_to_translate(site: Site) -> list[Locale]:
    """The languages the site offers besides the default, which the source is written in."""
    offered = SiteSettings.for_site(site).locales_offered.exclude(pk=Locale.get_default().pk)
    return list(offered.order_by("language_code"))


@dataclass
class TranslationStatus:
    """One object of the site in one language, and what to do about it."""

    source: Page | Story
    locale: Locale
    status: str
    translation: Translation | None
    target: Page | Story | None

    @property
    def pk(self) -> str:
        return f"{self.source.translation_key}-{self.locale.pk}"

    @property
    def title(self) -> str:
        if isinstance(self.source, Page):
            return self.source.get_admin_display_title()
        return str(self.source)

    @property
    def kind(self) -> str:
        return str(type(self.source)._meta.verbose_name).capitalize()

    @property
    def language(self) -> str:
        return self.locale.get_display_name()

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _changed_at(obj) -> datetime | None:
    """When the object was last changed: its latest revision (a draft counts)."""
    revision = obj.latest_revision
    return revision.created_at if revision is not None else None


def statuses(site: Site) -> list[TranslationStatus]:
    """Every page of the site's default-language tree and every story of the site, in each
    language the site offers besides the default."""
    locales = languages_to_translate(site)
    default = Locale.get_default()
    pages = list(
        site.root_page.get_descendants(inclusive=True)
        .filter(locale=default)
        .specific()
        .select_related("latest_revision")
    )
    stories = list(
        Story.objects.filter(site=site, locale=default)
        .select_related("latest_revision")
        .order_by("title")
    )
    objects = pages + stories
    keys = [obj.translation_key for obj in objects]
    sources = {
        source.object_id: source
        for source in TranslationSource.objects.filter(object_id__in=keys, locale=default)
    }
    synced = {
        (translation.source_id, translation.target_locale_id): translation
        for translation in Translation.objects.filter(
            source__in=sources.values(), target_locale__in=locales, enabled=True
        )
    }
    targets = {
        (target.translation_key, target.locale_id): target
        for model in (Page, Story)
        for target in _translations(model, keys, locales)
    }
    return [
        _status(obj, locale, sources.get(obj.translation_key), synced, targets)
        for locale in locales
        for obj in objects
    ]


def _translations(model, keys, locales) -> QuerySet:
    found = model.objects.filter(translation_key__in=keys, locale__in=locales)
    return found.filter(alias_of__isnull=True) if model is Page else found


def _status(obj, locale, source, synced, targets) -> TranslationStatus:
    target = targets.get((obj.translation_key, locale.pk))
    translation = synced.get((source.pk, locale.pk)) if source is not None else None
    if target is None:
        status = NOT_TRANSLATED
    elif translation is None:
        status = BY_HAND
    else:
        changed = _changed_at(obj)
        status = OUT_OF_DATE if changed and changed > source.last_updated_at else UP_TO_DATE
    return TranslationStatus(obj, locale, status, translation, target)


# --- the admin view -----------------------------------------------------------------------


def _edit_url(obj) -> str:
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    return reverse(obj.snippet_viewset.get_url_name("edit"), args=[obj.pk])


def _translate_url(obj) -> str:
    if isinstance(obj, Page):
        return reverse("wagtail_localize:submit_page_translation", args=[obj.pk])
    opts = obj._meta
    return reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[opts.app_label, opts.model_name, obj.pk],
    )


ACTION_LABELS = {
    NOT_TRANSLATED: _("Translate"),
    OUT_OF_DATE: _("Sync from the English"),
    UP_TO_DATE: _("Edit the translation"),
    BY_HAND: _("Edit the translation"),
}


class ActionColumn(TitleColumn):
    """What to do next: translate, sync, or edit the translation; back to this report after."""

    def get_value(self, instance):
        return ACTION_LABELS[instance.status]

    def get_link_url(self, instance, parent_context):
        back = urlencode({"next": parent_context["request"].get_full_path()})
        if instance.status == NOT_TRANSLATED:
            return f"{_translate_url(instance.source)}?{back}"
        if instance.status == OUT_OF_DATE:
            source_id = instance.translation.source_id
            return f"{reverse('wagtail_localize:update_translations', args=[source_id])}?{back}"
        return _edit_url(instance.target)


def _site_choices(request):
    return sites_user_edits(request.user) if request is not None else Site.objects.none()


class TranslationStatusFilterSet(WagtailFilterSet):
    site = django_filters.ModelChoiceFilter(
        label=_("Site"), queryset=_site_choices, empty_label=None, method="keep"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=list(STATUS_LABELS.items()), method="keep"
    )

    class Meta:
        model = Site
        fields = []

    def keep(self, queryset, name, value):
        """The report's rows are not a queryset: TranslationStatusView reads the choices."""
        return queryset


class TranslationStatusView(ReportView):
    page_title = _("Translation status")
    header_icon = "wagtail-localize-language"
    index_url_name = URL_NAME
    index_results_url_name = f"{URL_NAME}_results"
    filterset_class = TranslationStatusFilterSet
    paginate_by = 100
    columns = [
        TitleColumn("title", label=_("Title"), get_url=lambda row: _edit_url(row.source)),
        Column("kind", label=_("Type")),
        Column("language", label=_("Language")),
        Column("status_label", label=_("Status")),
        ActionColumn("action", label=_("Action")),
    ]

    def chosen(self, name: str):
        filters = self.filters
        if filters is not None and filters.is_valid():
            return filters.form.cleaned_data.get(name)
        return None

    @property
    def site(self) -> Site | None:
        return self.chosen("site") or sites_user_edits(self.request.user).first()

    def get_queryset(self) -> list[TranslationStatus]:
        site = self.site
        if site is None:
            return []
        rows = statuses(site)
        status = self.chosen("status")
        return [row for row in rows if row.status == status] if status else rows

    def filter_queryset(self, queryset):
        return queryset


translation_status = TranslationStatusView.as_view()
translation_status_results = TranslationStatusView.as_view(results_only=True)
