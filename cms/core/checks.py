"""System check: every admin form that can carry a chosen object holds it to the user's choosers.

A new page type, snippet or setting with a chooser field whose form forgot
`ChosenObjectsFormMixin` would accept another site's objects again; `manage.py check` (and the
test suite) names it instead.

Only this package's models are checked: installed into another Wagtail project (README "Add to
an existing Wagtail project"), the host's own page types are the host's business.
"""

from django.core import checks
from modelcluster.models import get_all_child_relations
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.contrib.settings.views import get_setting_edit_handler
from wagtail.models import Page, get_page_models
from wagtail.snippets.models import get_snippet_models

from .choosing import ChosenObjectsFormMixin, scope_for
from .packages import is_ours


def may_hold_chosen_objects(model) -> bool:
    """A key or keys to a chooser's model, a field with chooser blocks or rich text, or an inline
    child that has one."""
    for field in model._meta.get_fields():
        if hasattr(field, "extract_references"):
            return True
        related = field.related_model if field.is_relation and field.concrete else None
        if related is not None and scope_for(related) is not None:
            return True
    return any(
        may_hold_chosen_objects(relation.related_model)
        for relation in get_all_child_relations(model)
    )


def admin_form_classes():
    """(model, form class) for every page type, snippet and setting edited in the admin."""
    for model in get_page_models():
        if model is not Page:  # Wagtail's own base: here only the tree's root, never edited
            yield model, model.get_edit_handler().get_form_class()
    for model in get_snippet_models():
        yield model, model.snippet_viewset.get_edit_handler().get_form_class()
    for model in settings_registry:
        yield model, get_setting_edit_handler(model).get_form_class()


def chooser_form_errors(pairs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"{model._meta.label}'s admin form ({form_class.__name__}) does not check the "
            "objects chosen in it.",
            hint="Give the model a base_form_class built on cms.core.choosing."
            "ChosenObjectsFormMixin (ChosenObjectsPageForm, ChosenObjectsModelForm).",
            obj=model,
            id="core.E001",
        )
        for model, form_class in pairs
        if is_ours(model)
        and may_hold_chosen_objects(model)
        and not issubclass(form_class, ChosenObjectsFormMixin)
    ]


def check_chooser_forms(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return chooser_form_errors(admin_form_classes())
