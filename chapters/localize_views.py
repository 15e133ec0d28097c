"""wagtail-localize's admin views, scoped per site. chapters.admin_guards puts these on
wagtail-localize's own URL patterns.

wagtail-localize checks a *model* permission ("may submit translations", "may change
stories") and then works on whatever page, snippet, translation source or translation the URL
names. Here every view that takes one of those ids first checks that its object belongs to the
user (`LOCALIZE_GUARDS`, one entry per URL name under the `wagtail_localize` namespace): a page
in their trees, a story of their sites, a snippet of a model they hold a model-wide permission
on. Anyone else gets Wagtail's refusal before wagtail-localize's view runs.

Its translations report and its snippets API listed every site's objects: they list what the
user may edit.
"""

import logging
from collections.abc import Callable
from functools import wraps

import requests
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from wagtail.admin.auth import permission_denied
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import DraftStateMixin, Page, TranslatableMixin, get_page_models
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views import report, snippets_api

from cms.stories.admin import chooseable_stories, story_policy
from cms.stories.models import Story

from .admin_views import page_editors_only
from .scoping import in_permitted_trees

logger = logging.getLogger(__name__)

# --- what a user may translate -------------------------------------------------------------


def _model_wide(user, model) -> bool:
    """Whether the user holds a model-wide permission on `model` (the national team)."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("add", "change", "delete", "view")
    )


def editable_sources(user, prefix: str = "") -> Q:
    """Translation sources the user may work on: a page in their trees, a story of one of their
    sites, a snippet of a model they hold a model-wide permission on. `prefix` is the path to
    the source from the model filtered (``"source__"`` for translations)."""
    scope = in_permitted_trees(user)
    page_types = ContentType.objects.get_for_models(*get_page_models()).values()
    pages = Page.objects.all() if scope is None else Page.objects.filter(scope)
    allowed = Q(
        **{
            f"{prefix}specific_content_type__in": list(page_types),
            f"{prefix}object_id__in": pages.values("translation_key"),
        }
    )
    stories = story_policy().instances_user_has_any_permission_for(user, ["change"])
    allowed |= Q(
        **{
            f"{prefix}specific_content_type": ContentType.objects.get_for_model(Story),
            f"{prefix}object_id__in": stories.values("translation_key"),
        }
    )
    wide = [model for model in get_snippet_models() if model is not Story]
    wide = [model for model in wide if _model_wide(user, model)]
    if wide:
        types = ContentType.objects.get_for_models(*wide).values()
        allowed |= Q(**{f"{prefix}specific_content_type__in": list(types)})
    return allowed


def editable_translations(user) -> Q:
    """Translations whose source the user may work on (see `editable_sources`)."""
    return editable_sources(user, prefix="source__")


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _may_work_on(user, model, scope: Callable, pk) -> bool:
    """Whether the object `pk` of `model` (Translation or TranslationSource) is the user's.
    An id that names nothing is refused as well: the refusal says nothing either way."""
    if user.is_superuser:
        return True
    pk = _number(pk)
    return pk is not None and model.objects.filter(scope(user), pk=pk).exists()


# --- guards, one per kind of id --------------------------------------------------------------


def _guard(allowed: Callable) -> Callable:
    """A decorator refusing the view when `allowed(user, **kwargs)` is false. Anyone not
    logged in is left to wagtail-localize, which sends them to the login page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not allowed(user, **kwargs):
                return permission_denied(request)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def _translation_is_theirs(user, translation_id=None, **kwargs) -> bool:
    return _may_work_on(user, Translation, editable_translations, translation_id)


def _source_is_theirs(user, translation_source_id=None, **kwargs) -> bool:
    return _may_work_on(user, TranslationSource, editable_sources, translation_source_id)


def _snippet_is_theirs(user, app_label=None, model_name=None, pk=None, **kwargs) -> bool:
    """The snippet's own permission policy (stories: the chapter-scoped one) must let the user
    change it. A snippet that does not exist is left to the view's 404."""
    model = next(
        (
            model
            for model in get_snippet_models()
            if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
        ),
        None,
    )
    if model is None:
        return True
    instance = model._default_manager.filter(pk=pk).first()
    if instance is None:
        return True
    return user_can_edit_instance(user, instance)


def user_can_edit_instance(user, instance) -> bool:
    """Whether the translation editor may change `instance` for this user: a page by its page
    permissions, a snippet by its own permission policy. Put in place of wagtail-localize's
    `edit_translation.user_can_edit_instance` (chapters.apps), which asks snippets for a
    model-wide permission: a chapter's editors hold stories per site, so they could open their
    own story's Welsh but not save a word of it."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    policy = type(instance).snippet_viewset.permission_policy
    return policy.user_has_permission_for_instance(user, "change", instance)


translation_guard = _guard(_translation_is_theirs)
source_guard = _guard(_source_is_theirs)
snippet_guard = _guard(_snippet_is_theirs)


def _unchanged(view: Callable) -> Callable:
    return view


def _back(request) -> HttpResponseRedirect:
    """Where wagtail-localize's POST views go when done: the `next` URL, else the dashboard."""
    return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


def po_file_required(view: Callable) -> Callable:
    """An upload without a file was a 500 (wagtail-localize reads request.FILES["file"])."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST" and "file" not in request.FILES:
            messages.error(request, _("Choose a PO file to upload."))
            return _back(request)
        return view(request, *args, **kwargs)

    return checked


def translator_failure_reported(view: Callable) -> Callable:
    """A machine translator that cannot be reached (LibreTranslate down, a wrong key) was a
    500: the editor is told, and nothing is filled in."""

    @wraps(view)
    def reported(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except requests.RequestException:
            logger.warning("Machine translation failed", exc_info=True)
            messages.error(
                request, _("The machine translator could not be reached: nothing was filled in.")
            )
            return _back(request)

    return reported


def _then(*decorators: Callable) -> Callable:
    """The decorators applied so that the first given runs first."""

    def decorator(view: Callable) -> Callable:
        for inner in reversed(decorators):
            view = inner(view)
        return view

    return decorator


# Every URL name wagtail-localize registers, with the guard put on it. A name missing here
# (an upgrade added or renamed a view) stops the project from starting (chapters.admin_guards).
LOCALIZE_GUARDS: dict[str, Callable] = {
    # Its own JavaScript strings: no object.
    "wagtail_localize:javascript_catalog": _unchanged,
    # "Translate this page" and "Convert to alias" (the page edit menu): the page's editors.
    "wagtail_localize:submit_page_translation": page_editors_only,
    "wagtail_localize:convert_to_alias": page_editors_only,
    # "Translate" on a snippet (stories, themes, members).
    "wagtail_localize:submit_snippet_translation": snippet_guard,
    # "Sync translated pages / snippets".
    "wagtail_localize:update_translations": source_guard,
    # The translation editor's endpoints.
    "wagtail_localize:edit_string_translation": translation_guard,
    "wagtail_localize:edit_override": translation_guard,
    "wagtail_localize:download_pofile": translation_guard,
    "wagtail_localize:upload_pofile": _then(translation_guard, po_file_required),
    "wagtail_localize:machine_translate": _then(translation_guard, translator_failure_reported),
    "wagtail_localize:preview_translation": translation_guard,
    "wagtail_localize:stop_translation": translation_guard,
    # Replaced by the scoped views below (admin_guards.REPLACED): nothing more to add.
    "wagtail_localize:translations_report": _unchanged,
    "wagtail_localize:translations_report_results": _unchanged,
    "wagtail_localize:snippets_api_listing": _unchanged,
    "wagtail_localize:snippets_api_detail": _unchanged,
}


# --- publishing a snippet's translation ------------------------------------------------------


def publish_snippet_translation(request, instance):
    """`before_edit_snippet`, before wagtail-localize's: "Publish" in the translation editor of a
    snippet the user may publish by its own permission policy (a chapter's editors publish their
    own stories, held per site) though not model-wide, which is all wagtail-localize asks.
    Anything else is left to wagtail-localize."""
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    model = type(instance)
    if not isinstance(instance, TranslatableMixin) or not isinstance(instance, DraftStateMixin):
        return None
    if request.user.has_perm(get_permission_name("publish", model)):
        return None
    translation = Translation.objects.filter(
        source__object_id=instance.translation_key, target_locale_id=instance.locale_id
    ).first()
    policy = model.snippet_viewset.permission_policy
    if (
        translation is None
        or not translation.enabled
        or not policy.user_has_permission_for_instance(request.user, "publish", instance)
    ):
        return None
    locale = translation.target_locale.get_display_name()
    try:
        translation.save_target(user=request.user, publish=True)
    except ValidationError:
        messages.error(
            request,
            _("'%(object)s' in %(locale)s has errors to fix before it can be published.")
            % {"object": instance, "locale": locale},
        )
    else:
        messages.success(
            request,
            _("Published '%(object)s' in %(locale)s.") % {"object": instance, "locale": locale},
        )
    return redirect(request.get_full_path())


# --- the translations report and the snippets API --------------------------------------------


class ScopedTranslationsReportView(report.TranslationsReportView):
    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.is_superuser:
            return queryset
        return queryset.filter(editable_translations(self.request.user))


translations_report = ScopedTranslationsReportView.as_view()
translations_report_results = ScopedTranslationsReportView.as_view(results_only=True)


class ScopedSnippetsAPI(snippets_api.SnippetViewSet):
    """The snippets the translation editor may offer: stories as the story chooser offers them
    (the user's own sites' and the network's live ones), other snippets to holders of a
    model-wide permission only."""

    def get_queryset(self):
        try:
            model = self.get_model()
        except Http404 as error:
            raise NotFound from error
        user = self.request.user
        if user.is_superuser:
            return model._default_manager.all()
        if model is Story:
            return chooseable_stories(user)
        if _model_wide(user, model):
            return model._default_manager.all()
        return model._default_manager.none()


snippets_api_listing = ScopedSnippetsAPI.as_view({"get": "list"})
snippets_api_detail = ScopedSnippetsAPI.as_view({"get": "retrieve"})
