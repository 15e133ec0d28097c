"""What an editor may choose, and the form mixin that holds every chooser field to it.

A chooser only *offers* objects; the id it puts in the form comes back from the browser, where
anyone can change it. So every admin form that can carry a chosen object (a ForeignKey or
ManyToMany to a page, image, document or snippet, a chooser block anywhere inside a StreamField,
a link or embed in rich text) checks, when it is submitted, that each object newly placed in it
is one the chooser would have offered this user. Objects the instance already held are kept: a
national editor may have linked a national page into Coventry's menu, and Coventry's editors can
still save their menu.

Which objects a user may choose is a *scope* per model, registered here: pages run Wagtail's
`construct_page_chooser_queryset` hooks (the apps that narrow the page chooser narrow this too),
images and documents follow their collections' "choose" permission, and a feature app registers
its own snippet's scope (the story library does) instead of being named here. A snippet with no
scope of its own offers every object, as Wagtail's snippet chooser does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.rich_text import RichText, features
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs
from wagtail.snippets.models import get_snippet_models

# (the scope's model, the object's primary key as a string): how references are compared.
Reference = tuple[type[Model], str]


@dataclass(frozen=True)
class ChooserScope:
    model: type[Model]
    queryset: Callable[[HttpRequest], QuerySet]
    message: str


_scopes: dict[type[Model], ChooserScope] = {}

DEFAULT_MESSAGE = _("Choose one from your own site: this one cannot be used here.")


def register_chooser_scope(model: type[Model], queryset, message=DEFAULT_MESSAGE) -> None:
    """`queryset(request)` is what the model's chooser offers `request.user`: a form refuses a
    newly chosen object outside it with `message` (which must not name the object)."""
    _scopes[model] = ChooserScope(model, queryset, message)


def _pages(request) -> QuerySet:
    pages = Page.objects.all()
    for hook in hooks.get_hooks("construct_page_chooser_queryset"):
        pages = hook(pages, request)
    return pages


def _in_collections_user_may_choose_from(model, hook_name):
    def queryset(request) -> QuerySet:
        policy = policy_registry.get_by_type(model)
        objects = policy.instances_user_has_any_permission_for(request.user, ["choose"])
        for hook in hooks.get_hooks(hook_name):
            objects = hook(objects, request)
        return objects

    return queryset


def register_wagtail_scopes() -> None:
    """Pages, images and documents: called once the app registry is ready (the image and
    document models may be swapped)."""
    register_chooser_scope(
        Page, _pages, _("Choose a page from your own site: this one cannot be linked here.")
    )
    image, document = get_image_model(), get_document_model()
    register_chooser_scope(
        image,
        _in_collections_user_may_choose_from(image, "construct_image_chooser_queryset"),
        _("Choose an image from your own collection: this one cannot be used here."),
    )
    register_chooser_scope(
        document,
        _in_collections_user_may_choose_from(document, "construct_document_chooser_queryset"),
        _("Choose a document from your own collection: this one cannot be linked here."),
    )


def scope_for(model: type[Model]) -> ChooserScope | None:
    """The scope a referenced model falls under (a page type under Page's); None for models
    that are not chosen with a chooser (sites, locales, users...)."""
    hooks.search_for_hooks()  # feature apps register their scopes and snippets in their hooks
    for scoped, scope in _scopes.items():
        if issubclass(model, scoped):
            return scope
    if model in get_snippet_models():
        return ChooserScope(model, lambda request: model._default_manager.all(), DEFAULT_MESSAGE)
    return None


def _request_for(user) -> HttpRequest:
    """Chooser hooks take the request; a form knows only its user, which is all they read."""
    request = HttpRequest()
    request.user = user
    return request


def refused_references(user, references: Iterable[Reference]) -> set[Reference]:
    """Those of `references` this user's choosers would not offer (nonexistent ones too)."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for model, pk in references:
        wanted[model].add(pk)
    request = _request_for(user)
    refused = set()
    for model, pks in wanted.items():
        valid = {}
        for pk in pks:
            try:
                valid[pk] = model._meta.pk.to_python(pk)
            except ValidationError:
                continue
        offered = scope_for(model).queryset(request).filter(pk__in=list(valid.values()))
        allowed = {str(pk) for pk in offered.values_list("pk", flat=True)}
        refused |= {(model, pk) for pk in pks if pk not in allowed}
    return refused


# --- finding the references in a form's values ------------------------------------------------


def _reference(model, pk) -> Reference | None:
    scope = scope_for(model)
    if scope is None or pk in (None, ""):
        return None
    return scope.model, str(pk.pk if isinstance(pk, Model) else pk)


def _from_extractor(found) -> Iterator[Reference]:
    for model, pk, *_paths in found:
        reference = _reference(model, pk)
        if reference is not None:
            yield reference


def field_references(model_field, value) -> set[Reference]:
    """The chosen objects a model field's value refers to: a key or keys, or the chooser blocks
    and rich-text links Wagtail's reference index finds in it."""
    if value is None:
        return set()
    if model_field.many_to_many:
        items = value.all() if isinstance(value, QuerySet) else value
        return {
            ref
            for item in items
            if (ref := _reference(model_field.related_model, item)) is not None
        }
    if model_field.is_relation and model_field.related_model is not None:
        reference = _reference(model_field.related_model, value)
        return {reference} if reference else set()
    if hasattr(model_field, "extract_references"):
        return set(_from_extractor(model_field.extract_references(value)))
    return set()


def _rich_text_tag_references(handlers, attrs, kind) -> set[Reference]:
    handler = handlers.get(attrs.get(kind))
    if handler is None:
        return set()
    return set(_from_extractor(handler.extract_references(attrs)))


def scrub_rich_text(html: str, refused: set[Reference]) -> tuple[str, Reference | None]:
    """The rich text without its links to (and embeds of) refused objects; the link text stays.
    Also returns the first refused reference found."""
    first: list[Reference] = []
    link_types, embed_types = features.get_link_types(), features.get_embed_types()

    def tag(match, handlers, kind, replacement):
        found = _rich_text_tag_references(handlers, extract_attrs(match.group(1)), kind) & refused
        if not found:
            return match.group(0)
        first.extend(found)
        return replacement

    # "<a>" is how Wagtail itself writes a link it cannot resolve: text without a target.
    html = FIND_A_TAG.sub(lambda m: tag(m, link_types, "linktype", "<a>"), html)
    html = FIND_EMBED_TAG.sub(lambda m: tag(m, embed_types, "embedtype", ""), html)
    return html, (first[0] if first else None)


def _message(reference: Reference) -> str:
    return str(scope_for(reference[0]).message)


def scrub_block(block, value, refused: set[Reference]):
    """(value, error): the block's value without refused objects, and the error that says where
    each was, in the shape Wagtail's StreamField editor shows against the block itself."""
    if value is None:
        return value, None
    if isinstance(block, blocks.StreamBlock):
        errors = {}
        for index, child in enumerate(value):
            child.value, error = scrub_block(child.block, child.value, refused)
            if error is not None:
                errors[index] = error
        return value, (StreamBlockValidationError(block_errors=errors) if errors else None)
    if isinstance(block, blocks.ListBlock):
        errors = {}
        for index, child in enumerate(value.bound_blocks):
            child.value, error = scrub_block(block.child_block, child.value, refused)
            if error is not None:
                errors[index] = error
        return value, (ListBlockValidationError(block_errors=errors) if errors else None)
    if isinstance(block, blocks.StructBlock) and not isinstance(block, ImageBlock):
        errors = {}
        for name, child_block in block.child_blocks.items():
            value[name], error = scrub_block(child_block, value.get(name), refused)
            if error is not None:
                errors[name] = error
        return value, (StructBlockValidationError(block_errors=errors) if errors else None)
    if isinstance(block, blocks.RichTextBlock):
        source, first = scrub_rich_text(value.source, refused)
        if first is None:
            return value, None
        return RichText(source), ValidationError(_message(first))
    found = set(_from_extractor(block.extract_references(value))) & refused
    if found:
        return None, ValidationError(_message(next(iter(found))))
    return value, None


# --- the form mixin -----------------------------------------------------------------------------


def _merge_stream_errors(existing: ValidationError, ours: ValidationError) -> ValidationError:
    """One StreamField error for both: the field's own per-block errors win where both speak."""
    if isinstance(existing, StreamBlockValidationError) and isinstance(
        ours, StreamBlockValidationError
    ):
        block_errors = {**ours.block_errors, **existing.block_errors}
        return StreamBlockValidationError(
            block_errors=block_errors, non_block_errors=existing.non_block_errors
        )
    return existing


class ChosenObjectsFormMixin:
    """For admin forms (with `for_user`): refuse, field by field, any object newly placed in a
    chooser field that the user's chooser would not offer, including in the inline child forms.

    The form then comes back with the error against the field (or the block) and the chooser
    emptied, so the refused object's title is never drawn again; nothing is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held_references: set[Reference] = set()
        if not self.is_bound:
            return
        for each in _forms_of(self, skip_deleted=False):
            for name, field in each.fields.items():
                scope = _field_scope(each, name)
                if scope is not None and isinstance(field, forms.ModelChoiceField):
                    # A nonexistent id gets the same words as a foreign one.
                    field.error_messages = {**field.error_messages, "invalid_choice": scope.message}
        # Taken now, before validation writes the submitted values onto the instance.
        self._held_references = _held_by(self)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or getattr(self, "for_user", None) is None:
            return
        for formset in getattr(self, "formsets", {}).values():
            formset.errors  # noqa: B018 - validates the child forms, as is_valid() would
        _refuse_unchooseable(self, self.for_user, self._held_references)


def _field_scope(form, name) -> ChooserScope | None:
    model_field = _model_field(form, name)
    if model_field is None or not model_field.is_relation or model_field.related_model is None:
        return None
    return scope_for(model_field.related_model)


def _model_field(form, name):
    try:
        return form._meta.model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None


def _forms_of(form, skip_deleted: bool = True) -> Iterator:
    """The form and, recursively, the child forms of its inline formsets (once validated, only
    those the submission keeps)."""
    yield form
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            if skip_deleted and formset.can_delete and formset._should_delete_form(child):
                continue
            yield from _forms_of(child, skip_deleted)


def _held_by(form) -> set[Reference]:
    """Every chosen object the instance and its children hold before this submission."""
    held: set[Reference] = set()
    for each in _forms_of(form, skip_deleted=False):
        for name in each.fields:
            model_field = _model_field(each, name)
            if model_field is not None:
                held |= field_references(model_field, model_field.value_from_object(each.instance))
    return held


def _submitted(bound_field):
    """The value the browser sent for a field, as the field will show it again."""
    field = bound_field.field
    return field.bound_data(bound_field.data, bound_field.initial)


def _refuse_unchooseable(form, user, held: set[Reference]) -> None:
    candidates = []
    for each in _forms_of(form):
        for name, field in each.fields.items():
            model_field = _model_field(each, name)
            if model_field is None or field.disabled or name in each.errors:
                continue  # a value the field itself refuses: its own error says so
            try:
                value = _submitted(each[name])
                new = field_references(model_field, value) - held
            except (ValidationError, TypeError, ValueError, AttributeError):
                continue
            if new:
                candidates.append((each, name, model_field, value, new))
    if not candidates:
        return
    refused = refused_references(user, set().union(*(new for *_rest, new in candidates)))
    for each, name, model_field, value, new in candidates:
        if new & refused:
            _refuse(each, name, model_field, value, refused)


def _refuse(form, name, model_field, value, refused: set[Reference]) -> None:
    field = form.fields[name]
    if model_field.is_relation:
        if model_field.many_to_many:
            kept = [
                item for item in value if _reference(model_field.related_model, item) not in refused
            ]
        else:
            kept = None
        first = next(iter(field_references(model_field, value) & refused))
        error = ValidationError(_message(first))
    elif isinstance(value, str):
        kept, first = scrub_rich_text(value, refused)
        error = ValidationError(_message(first))
    else:
        kept, error = scrub_block(model_field.stream_block, value, refused)
    # Drawn again with the refused objects taken out, so their titles never reach the page.
    field.bound_data = lambda data, initial: kept
    existing = form.errors.get(name)
    if existing is None:
        form.add_error(name, error)
    elif hasattr(model_field, "stream_block"):
        form.errors[name] = form.error_class([_merge_stream_errors(existing.as_data()[0], error)])
    elif str(error.messages[0]) not in existing:
        form.add_error(name, error)


class ChosenObjectsPageForm(ChosenObjectsFormMixin, WagtailAdminPageForm):
    """The base form of every page type in the network."""


class ChosenObjectsModelForm(ChosenObjectsFormMixin, WagtailAdminModelForm):
    """The base form of snippets and settings that hold chosen objects."""
