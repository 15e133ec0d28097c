"""The machinery of the admin URL walk (tests/chapters/test_admin_url_walk.py says what it
proves): what the walk may not reach, each site's secrets (`plant`), every URL pattern under
admin/ (`admin_routes`), filling a pattern's arguments with another site's objects (`fill`),
and the requests with what they showed (`Walker`, `walk`, `summarise`)."""

import functools
import html
import json
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.regex_helper import normalize
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.coreutils import resolve_model_string
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    Locale,
    Page,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
)
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    Translation,
    TranslationSource,
)
from wagtail_localize.operations import TranslationCreator

from chapters.models import Chapter
from cms.coalition.models import JoinRequest
from cms.core.models import StandardPage
from cms.formpages.models import FormPage
from cms.stories.models import Story
from newsletter.models import (
    ConsentRecord,
    NewsletterList,
    SmtpServer,
    Subscriber,
    Subscription,
)
from sites.models import SiteSettings
from tests.helpers import body

SEARCH_WORD = "Zqsearch"  # in every secret title, and never a secret on its own
CODES = {"national": "Nat", "coventry": "Cov", "leeds": "Lds"}
EDITORS = {"national": "national-editor", "coventry": "coventry-editor", "leeds": "leeds-editor"}
# Who walks whose objects: (the walker's own site, the sites whose objects fill its URLs). Each
# chapter's editor walks the other chapter's; the national site's objects are walked once, by the
# editor of Leeds, the chapter the test makes with create_chapter. Coventry's editor against the
# national site is what tests/chapters/test_admin_permissions.py's matrix checks view by view, and
# both chapters' editors come from the same provisioning (the demo makes Coventry with it too).
WALKERS = {
    "leeds-editor": ("leeds", ("national", "coventry")),
    "coventry-editor": ("coventry", ("leeds",)),
}


# --- what the walk may not reach -----------------------------------------------------------

# Patterns the walk does not request, each with why. A new Wagtail view whose arguments the
# walk cannot fill makes the test fail until it is taught (or the view is listed here).
NOT_WALKED: dict[str, str] = {
    "admin/localize/translate/<int:translation_id>/overrides/<int:overridable_segment_id>/edit/": (
        "no overridable segment to fill: the translated pages hold no image, embed or link"
    ),
}

# Findings that are legitimately visible, as (pattern route, marker label): none so far.
LEGITIMATE: dict[tuple[str, str], str] = {}

# Patterns whose 500 is their purpose.
DELIBERATE_ERRORS = {
    "admin/failwhale/": "Wagtail's error-page test view raises on purpose",
}


# --- the scene: each site's secrets ----------------------------------------------------------


@dataclass
class Tenant:
    """One site and the objects of it that another site's editor must never read."""

    key: str
    site: Site
    collection: Collection
    owner: object
    markers: dict[str, str] = field(default_factory=dict)  # label -> token
    objects: dict[type, list] = field(default_factory=dict)  # model -> instances
    related: dict[tuple[type, int], dict[type, object]] = field(default_factory=dict)

    def mark(self, label: str, email: bool = False) -> str:
        token = (
            f"zq{CODES[self.key]}{label}@secret.example".lower()
            if email
            else (f"Zq{CODES[self.key]}{label}")
        )
        self.markers[f"{self.key} {label}"] = token
        return token

    def add(self, obj, **related) -> None:
        SITE_OWNED.add(_base_model(type(obj)))
        self.objects.setdefault(type(obj), []).append(obj)
        self.related[(type(obj), obj.pk)] = {type(value): value for value in related.values()}


# Kinds of object some site owns: never filled with "whatever instance there is".
SITE_OWNED: set[type] = set()


def _start_workflow(obj, user) -> dict:
    """Submit for moderation, so the ids of workflow and task URLs exist."""
    workflow = obj.get_workflow()
    if workflow is None:
        return {}
    state = workflow.start(obj, user)
    task_state = state.current_task_state
    return {
        "workflow": workflow,
        "workflow_state": state,
        "task_state": task_state,
        "task": task_state.task,
    }


def _translate(page, owner, tenant: Tenant) -> dict:
    """A Welsh translation of the page, made as wagtail-localize's "Translate" button does
    (only where the site's home is translated already: the national site), and a Welsh draft
    title not yet published."""
    welsh = Locale.objects.get(language_code="cy")
    if not page.get_parent().get_translations().filter(locale=welsh).exists():
        return {}
    TranslationCreator(owner, [welsh]).create_translations(page)
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=welsh
    )
    welsh_page = translation.get_target_instance()
    welsh_page.title = f"{SEARCH_WORD} {tenant.mark('WelshDraftTitle')}"
    welsh_page.save_revision(user=owner)
    found = {"source": translation.source, "translation": translation}
    for name, model in [("string", StringSegment), ("overridable", OverridableSegment)]:
        segment = model.objects.filter(source=translation.source).first()
        if segment is not None:
            found[name] = segment
    return found


def plant(key: str, site: Site, collection: Collection, owner) -> Tenant:
    tenant = Tenant(key=key, site=site, collection=collection, owner=owner)
    home = site.root_page.specific
    word = SEARCH_WORD
    # The home page with a draft not in moderation: views that say "not awaiting moderation"
    # must not say so with its draft title.
    home.title = f"{word} {tenant.mark('HomeDraftTitle')}"
    home.save_revision(user=owner)
    home = Page.objects.get(pk=home.pk).specific
    tenant.add(home)

    # A live page with an unpublished draft (its draft title and an embargoed phrase): the
    # site's volunteer form where it has one, so its residents' answers sit behind it too.
    revised = FormPage.objects.descendant_of(home).filter(slug="volunteer").first()
    revised = (revised or home.get_children().get(slug="about")).specific
    first_revision = revised.save_revision(user=owner)
    revised.title = f"{word} {tenant.mark('DraftTitle')}"
    revised.intro = f"<p>{word} {tenant.mark('DraftPhrase')}</p>"
    latest = revised.save_revision(user=owner)
    revised = Page.objects.get(pk=revised.pk).specific
    related = {"first": first_revision, "latest": latest}
    related["session"] = EditingSession.objects.create(
        user=owner,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(revised.pk),
        last_seen_at=timezone.now(),
        is_editing=True,
    )
    if isinstance(revised, FormPage):
        related["submission"] = FormSubmission.objects.create(
            page=revised,
            form_data={
                "your_name": tenant.mark("VolunteerName"),
                "email_address": tenant.mark("VolunteerEmail", email=True),
                "tell_us_a_little_about_yourself": tenant.mark("VolunteerAnswer"),
            },
        )
    related.update(_translate(revised, owner, tenant))
    related.update(_start_workflow(revised, owner))
    tenant.add(revised, **related)
    for obj in related.values():
        tenant.add(obj)

    # A page never published, in moderation.
    draft = StandardPage(
        title=f"{word} {tenant.mark('NewPageTitle')}",
        slug=f"walk-unpublished-{key}",
        intro=f"<p>{tenant.mark('NewPagePhrase')}</p>",
        live=False,
    )
    home.add_child(instance=draft)
    draft_revision = draft.save_revision(user=owner)
    tenant.add(draft, latest=draft_revision, **_start_workflow(draft, owner))

    # Media in the site's collection.
    image = get_image_model().objects.create(
        title=f"{word} {tenant.mark('ImageTitle')}",
        file=get_test_image_file(filename=f"walk-{key}.png"),
        collection=collection,
    )
    document = get_document_model().objects.create(
        title=f"{word} {tenant.mark('DocumentTitle')}",
        file=ContentFile(b"walk", name=f"walk-{key}.txt"),
        collection=collection,
    )
    tenant.add(image)
    tenant.add(document)
    upload = UploadedFile.objects.create(
        file=ContentFile(b"walk", name=f"walk-upload-{key}.png"),
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        uploaded_by_user=owner,
    )
    tenant.add(upload)
    tenant.add(collection)

    # A draft story (in moderation), and a published one whose submitter is private.
    story = Story.objects.create(
        title=f"{word} {tenant.mark('StoryTitle')}",
        slug=f"walk-draft-story-{key}",
        site=site,
        quote=f"{word} {tenant.mark('StoryQuote')}",
        person_name=tenant.mark("StoryResident"),
        submitter_email=tenant.mark("StoryEmail", email=True),
        source=Story.Source.RESIDENT,
        live=False,
    )
    story_revision = story.save_revision(user=owner)
    tenant.add(story, latest=story_revision, **_start_workflow(story, owner))
    published = Story.objects.create(
        title=f"Walk published story of {key}",  # public: not a secret
        slug=f"walk-published-story-{key}",
        site=site,
        quote="A story anyone may read.",
        submitter_email=tenant.mark("SubmitterEmail", email=True),
        source=Story.Source.RESIDENT,
    )
    published.save_revision(user=owner).publish()
    tenant.add(published, latest=published.latest_revision)

    # The newsletter list and a subscriber.
    newsletter_list = NewsletterList.for_site(site)
    subscriber = Subscriber.objects.create(email=tenant.mark("SubscriberEmail", email=True))
    own_subscription = Subscription.objects.create(
        subscriber=subscriber,
        newsletter_list=newsletter_list,
        status=Subscription.Status.CONFIRMED,
        name=tenant.mark("SubscriberName"),  # the name given to this site
    )
    tenant.add(subscriber, newsletter_list=newsletter_list)
    tenant.add(own_subscription, newsletter_list=newsletter_list)
    # Someone on every list: each list sees them, none sees where they signed up elsewhere.
    shared, _ = Subscriber.objects.get_or_create(email="walk.everywhere@example.org")
    subscription = Subscription.objects.create(
        subscriber=shared, newsletter_list=newsletter_list, status=Subscription.Status.CONFIRMED
    )
    ConsentRecord.objects.create(
        subscription=subscription,
        newsletter_list=newsletter_list,
        action=ConsentRecord.Action.SUBSCRIBED,
        source_url=f"http://{site.hostname}/{tenant.mark('ConsentSource').lower()}/",
        wording=newsletter_list.consent_wording,
    )
    tenant.markers[f"{key} ConsentSource"] = tenant.markers[f"{key} ConsentSource"].lower()
    tenant.add(shared, newsletter_list=newsletter_list)
    tenant.add(subscription, newsletter_list=newsletter_list)
    # A list's URLs name the shared subscriber: through their own list an editor reaches
    # them, and must still not read where they signed up for another.
    tenant.add(newsletter_list, subscriber=shared, subscription=subscription)

    # Site settings, and a redirect of the site.
    # A chapter's contact email is public on its own site only. The national one is not a
    # secret anywhere: the admin's previews and error pages render with the site of the host
    # the admin is served on (the national site's), footer and contact email included.
    settings = SiteSettings.for_site(site)
    if key != "national":
        settings.contact_email = tenant.mark("ContactEmail", email=True)
        settings.save()
    tenant.add(settings)
    redirect = Redirect.objects.create(
        old_path=f"/zq{CODES[key].lower()}redirectpath",
        site=site,
        redirect_link="https://example.com/",
    )
    tenant.markers[f"{key} RedirectPath"] = redirect.old_path
    tenant.add(redirect)
    tenant.add(site)
    tenant.add(owner)
    for group in owner.groups.all():
        tenant.add(group)
    # Admin → Chapters (the national team's): a chapter's own row too is refused to its editors.
    for chapter in Chapter.objects.filter(site=site):
        tenant.add(chapter)
    if key == "national":
        # The tree's root is above every site: no site's editor may act on it.
        tenant.add(Page.get_first_root_node())
        join_request = JoinRequest.objects.create(
            organisation=f"{word} {tenant.mark('JoinOrganisation')}",
            kind="charity",
            contact_name=tenant.mark("JoinContact"),
            contact_email=tenant.mark("JoinEmail", email=True),
            region="national",
            reason=tenant.mark("JoinReason"),
            agreed_to_aims=True,
        )
        tenant.add(join_request)
        # The national team's SMTP servers (its password never renders, even to them).
        server = SmtpServer(
            name=tenant.mark("SmtpServerName"),
            host="smtp.walk.example",
            username=tenant.mark("SmtpUsername"),
        )
        server.password = "walk-password"  # noqa: S105 - encrypted; never shown to anyone
        server.save()
        tenant.add(server)
    return tenant


# --- the URL patterns ------------------------------------------------------------------------


@dataclass
class Route:
    route: str  # the pattern as written, for reports
    name: str | None
    callback: object
    template: str  # "%(name)s" placeholders, as Django reverses
    params: list[str]
    converters: dict
    defaults: dict


def _regex(pattern) -> str:
    text = pattern.regex.pattern
    return text[1:] if text.startswith("^") else text


def admin_routes() -> list[Route]:
    """Every URL pattern under admin/, includes recursed, as Django's reverse sees it."""
    routes = []

    def walk(patterns, prefix_regex, prefix_route, namespace, converters, defaults):
        for entry in patterns:
            regex = prefix_regex + _regex(entry.pattern)
            route = prefix_route + str(entry.pattern)
            merged = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(
                    entry.url_patterns,
                    regex.removesuffix("$"),
                    route,
                    inner,
                    merged,
                    {**defaults, **entry.default_kwargs},
                )
            elif isinstance(entry, URLPattern) and route.startswith("admin/"):
                template, params = normalize(regex)[0]
                routes.append(
                    Route(
                        route=route,
                        name=f"{namespace}:{entry.name}"
                        if namespace and entry.name
                        else entry.name,
                        callback=entry.callback,
                        template="/" + template,
                        params=list(params),
                        converters=merged,
                        defaults={**defaults, **entry.default_args},
                    )
                )

    walk(get_resolver().url_patterns, "", "", None, {}, {})
    return routes


def _unwrap(callback):
    """The view behind decorators and our own wrappers (functools.wraps or a closure)."""
    seen = 0
    while seen < 5:
        seen += 1
        if hasattr(callback, "view_class") or hasattr(callback, "cls"):
            return callback
        inner = getattr(callback, "__wrapped__", None)
        if inner is None:
            cells = [cell.cell_contents for cell in (callback.__closure__ or ())]
            inner = next(
                (c for c in cells if callable(c) and not isinstance(c, type) and c is not callback),
                None,
            )
        if inner is None:
            return callback
        callback = inner
    return callback


def _own_model(callback):
    view = _unwrap(callback)
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    initkwargs = getattr(view, "view_initkwargs", None) or getattr(view, "initkwargs", None) or {}
    model = initkwargs.get("model") or getattr(cls, "model", None)
    if model is None or not isinstance(model, type | str):
        policy = initkwargs.get("permission_policy") or getattr(cls, "permission_policy", None)
        model = getattr(policy, "model", None)
    if isinstance(model, str):
        model = resolve_model_string(model)
    if model is None and getattr(view, "__module__", "") == "wagtail.admin.viewsets.pages":
        model = Page  # the page views route through one dispatcher
    return model if isinstance(model, type) else None


# A view that does not say its model: the URL name's last word, else its namespace's model
# (the model most of the other views of that namespace say).
NAME_MODELS = {"task": Task}


@functools.cache
def _namespace_models() -> dict[str, type]:
    counts: dict[str, Counter] = {}
    for route in admin_routes():
        model = _own_model(route.callback)
        if model is not None and route.name and ":" in route.name:
            counts.setdefault(route.name.rsplit(":", 1)[0], Counter())[model] += 1
    return {namespace: count.most_common(1)[0][0] for namespace, count in counts.items()}


def view_model(route):
    """The model a view works on, read off the view: its class's or viewset's `model`, or
    its permission policy's."""
    model = _own_model(route.callback)
    if model is None and route.name:
        namespace, _, name = route.name.rpartition(":")
        model = next((m for word, m in NAME_MODELS.items() if word in name.split("_")), None)
        model = model or _namespace_models().get(namespace)
    return model


def view_actions(callback) -> list[str]:
    """Action names an API endpoint declares (`actions` on its class)."""
    cls = getattr(_unwrap(callback), "cls", None)
    return sorted(getattr(cls, "actions", {}) or {})


# Which model an argument names, by its name. `pk` and `object_id` name the view's model.
KWARG_MODELS = {
    "page_id": Page,
    "parent_page_id": Page,
    "page_to_move_id": Page,
    "destination_id": Page,
    "page_pk": Page,
    "image_id": get_image_model(),
    "document_id": get_document_model(),
    "doc_id": get_document_model(),
    "list_id": NewsletterList,
    "subscriber_id": Subscriber,
    "subscription_id": Subscription,
    "collection_id": Collection,
    "redirect_id": Redirect,
    "uploaded_file_id": UploadedFile,
    "session_id": EditingSession,
    "workflow_pk": Workflow,
    "task_id": Task,
    "workflow_state_id": WorkflowState,
    "task_state_id": TaskState,
    "revision_id": Revision,
    "revision_id_a": Revision,
    "revision_id_b": Revision,
    "translation_id": Translation,
    "translation_source_id": TranslationSource,
    "string_segment_id": StringSegment,
    "overridable_segment_id": OverridableSegment,
    "site_id": Site,  # the network dashboard's page of a site's figures
}
APP_KWARGS = {"app_label", "app_name", "content_type_app_name"}
MODEL_KWARGS = {"model_name", "content_type_model_name"}
# `slug`: the network dashboard's measures (a measure, not an object: the same for every site).
CONSTANTS = {
    "filter_spec": "original",
    "mode": "",
    "uidb64": "MQ",
    "token": "walk-token",
    "slug": "subscribers",
}


def _base_model(model):
    """The model objects are filed under in a tenant (a page type under Page)."""
    return Page if issubclass(model, Page) else model


@dataclass
class Filled:
    route: Route
    url: str
    subject: object
    site_key: str
    model_guessed: bool = False  # the URL names a model, and the walk tries each kind


def _instances(tenant: Tenant, model, shared: bool = False) -> list:
    """The tenant's objects of `model`; with `shared`, for a model no site owns (members,
    themes, locales), the first one there is."""
    if model is None:
        return []
    found = []
    for kind, objects in tenant.objects.items():
        if issubclass(kind, model) or issubclass(_base_model(kind), model):
            found.extend(objects)
    if not found and shared and model not in SITE_OWNED:
        first = model._default_manager.order_by("pk").first()
        found = [first] if first is not None else []
    return found


def _value_for(name, model, subject, tenant: Tenant):
    """The foreign value of one argument, given the subject the URL is about."""
    if name in CONSTANTS:
        return CONSTANTS[name]
    subject_model = type(subject)
    if name in APP_KWARGS:
        return subject_model._meta.app_label
    if name in MODEL_KWARGS:
        return subject_model._meta.model_name
    if name in {"pk", "object_id"} or (
        model and isinstance(subject, model) and name not in {"destination_id"}
    ):
        if isinstance(subject, SiteSettings):
            return subject.site_id  # Wagtail's site settings URLs take the site's id
        return subject.pk
    if model is None:
        return None
    related = tenant.related.get((type(subject), subject.pk), {})
    if model is Revision:
        revisions = Revision.objects.for_instance(subject) if hasattr(subject, "revisions") else []
        if not revisions:
            return None
        first = revisions.order_by("pk").first()
        latest = revisions.order_by("pk").last()
        return first.pk if name.endswith("_a") else latest.pk
    for value in related.values():
        if isinstance(value, model):
            return value.pk
    others = [obj for obj in _instances(tenant, model) if obj is not subject]
    return others[0].pk if others else None


def fill(route: Route, tenant: Tenant, own: Tenant | None = None) -> tuple[list[Filled], str]:
    """Every URL of `route` filled with `tenant`'s objects, or why there is none. With `own`
    (the walker's site), a URL of several arguments is also filled with the walker's own
    object first and `tenant`'s in the rest: the view must check that they belong together."""
    if not route.params:
        return [Filled(route, route.template, None, tenant.key)], ""
    model = view_model(route)
    primary = primary_name = None
    for name in route.params:
        if name in KWARG_MODELS and name != "destination_id":
            primary, primary_name = KWARG_MODELS[name], name
            break
    if model is not None and {"pk", "object_id"} & set(route.params):
        primary = model
        primary_name = next(name for name in route.params if name in {"pk", "object_id"})
    elif model is not None and primary is None and set(route.params) & (APP_KWARGS | MODEL_KWARGS):
        primary = model
    model_guessed = False
    if primary is not None:
        subjects = _instances(tenant, _base_model(primary), shared=True)
    elif set(route.params) & (APP_KWARGS | MODEL_KWARGS):
        model_guessed = True
        # The URL names a model itself: every kind of foreign object, one of each model.
        by_model = {}
        for objects in tenant.objects.values():
            for obj in objects:
                by_model.setdefault(type(obj), obj)
        subjects = list(by_model.values())
    else:
        subjects = [None]
    filled, missing = [], set()
    pairs = [(subject, None) for subject in subjects]
    if own is not None:
        if primary_name is None or len(route.params) < 2:
            return [], ""
        own_subjects = _instances(own, _base_model(primary))
        pairs = list(zip(subjects, own_subjects, strict=False))[:2]
    for subject, own_subject in pairs:
        for values in _expand(route, model, subject, tenant):
            if own_subject is not None:
                kwarg_model = model if primary_name in {"pk", "object_id"} else primary
                values[primary_name] = _value_for(primary_name, kwarg_model, own_subject, own)
            if any(values.get(name) is None for name in route.params):
                missing |= {name for name in route.params if values.get(name) is None}
                continue
            url = route.template % {
                name: route.converters[name].to_url(value) if name in route.converters else value
                for name, value in values.items()
            }
            filled.append(Filled(route, url, subject, tenant.key, model_guessed))
    if filled:
        return filled, ""
    if not subjects:
        return [], f"no foreign {getattr(primary, '__name__', primary)} object"
    return [], f"cannot fill {sorted(missing)}"


def _expand(route: Route, model, subject, tenant: Tenant):
    """The argument values for one subject; several when an argument names an action."""
    base = {}
    for name in route.params:
        if name in {"action_name", "action"}:
            continue
        kwarg_model = KWARG_MODELS.get(name)
        if name in {"pk", "object_id"}:
            kwarg_model = model
        base[name] = (
            _value_for(name, kwarg_model, subject, tenant)
            if subject is not None
            else (CONSTANTS.get(name))
        )
    if "action_name" in route.params:
        actions = view_actions(route.callback) or _task_actions(subject, tenant)
        for action in actions:
            yield {**base, "action_name": action}
    elif "action" in route.params and subject is not None:
        meta = type(subject)._meta
        for action in bulk_action_registry.get_bulk_actions_for_model(
            meta.app_label, meta.model_name
        ):
            yield {**base, "action": action.action_type}
    else:
        yield base


def _task_actions(subject, tenant: Tenant) -> list[str]:
    related = tenant.related.get((type(subject), getattr(subject, "pk", None)), {})
    task = next((value for value in related.values() if isinstance(value, Task)), None)
    if task is None:
        return []
    return [name for name, *_ in task.specific.get_actions(subject, tenant.owner)]


# --- requests --------------------------------------------------------------------------------


@dataclass
class Finding:
    route: str
    url: str
    method: str
    status: int
    what: str  # "500" or the marker labels shown

    def __str__(self):
        return f"{self.method} {self.url} [{self.route}] -> {self.status}: {self.what}"


def _ids(filled: Filled, tenant: Tenant) -> list[int]:
    subject = filled.subject
    model = type(subject) if subject is not None else view_model(filled.route) or Page
    return [obj.pk for obj in _instances(tenant, _base_model(model))][:4]


def _post_data(filled: Filled, tenant: Tenant) -> dict:
    """Foreign ids in the field names admin forms commonly use."""
    first = {}
    for name, model in [
        ("page", Page),
        ("parent_page", Page),
        ("image", get_image_model()),
        ("document", get_document_model()),
        ("collection", Collection),
        ("site", Site),
        ("story", Story),
        ("newsletter_list", NewsletterList),
        ("subscriber", Subscriber),
        ("subscription", Subscription),
        ("workflow", Workflow),
        ("task", Task),
        ("revision", Revision),
    ]:
        objects = _instances(tenant, model)
        if objects:
            first[name] = objects[0].pk
    ids = _ids(filled, tenant)
    return {
        **first,
        "id": ids,
        "pk": ids[:1],
        "object_id": ids[:1],
        "page_id": first.get("page"),
        "parent_page_id": first.get("parent_page"),
        "action": "approve",
        "title": "Walk",
        "slug": "walk",
    }


REFUSED = "refused"  # what Walker.request answers for a redirect to the dashboard or login


class Walker:
    def __init__(self, user, tenants: list[Tenant]):
        self.user = user
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.session = self.client.cookies["sessionid"].value
        self.markers = {label: token for t in tenants for label, token in t.markers.items()}
        self.findings: list[Finding] = []
        self.requests = 0
        self.statuses: Counter = Counter()
        self.done: dict[tuple, int] = {}
        self.landings = {reverse("wagtailadmin_home"), reverse("wagtailadmin_login")}

    def _check(self, route: Route, url: str, method: str, response, where: str = ""):
        self.statuses[response.status_code] += 1
        if route.route in DELIBERATE_ERRORS:
            return
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = f"{exc[0].__name__}: {exc[1]}"[:160] if exc else "500"
            self.findings.append(Finding(route.route, url, method, response.status_code, reason))
            return
        text = body(response) + " " + response.get("Location", "")
        shown = [
            label
            for label, token in self.markers.items()
            if token in text and (route.route, label.split(" ", 1)[1]) not in LEGITIMATE
        ]
        if shown:
            self.findings.append(
                Finding(route.route, url, method, response.status_code, where + ", ".join(shown))
            )

    def _check_flash(self, route: Route, url: str, method: str, response, location: str):
        cookie = response.cookies.get("messages")
        if cookie is None or not cookie.value:
            return
        storage = CookieStorage(RequestFactory().get("/"))
        texts = " ".join(str(message) for message in storage._decode(cookie.value) or [])
        shown = [label for label, token in self.markers.items() if token in html.unescape(texts)]
        if shown:
            self.findings.append(
                Finding(
                    route.route,
                    url,
                    method,
                    response.status_code,
                    f"flash on {location}: " + ", ".join(shown),
                )
            )

    def request(self, route: Route, url: str, method: str, data=None) -> int | str:
        """Make the request in a savepoint rolled back afterwards; its status code, or
        REFUSED."""
        key = (method, url, json.dumps(data, sort_keys=True))
        if key in self.done:
            return self.done[key]
        self.requests += 1
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data or {})
            self._check(route, url, method, response)
            location = response.get("Location", "") if response.status_code in {301, 302} else ""
            if location.split("?", 1)[0] in self.landings:
                # Every refusal lands on the same dashboard (or login page), walked once as a
                # pattern of its own; what differs is the flash message, read from its store.
                self._check_flash(route, url, method, response, location)
            elif location.startswith("/admin/"):
                self.requests += 1
                landing = self.client.get(location)
                self._check(route, url, method, landing, where=f"after redirect to {location}: ")
            transaction.set_rollback(True)
        # The savepoint took any logout or flushed session with it; forget any flash message,
        # and whatever the request cached of the state it saw.
        cache.clear()
        self.client.cookies["sessionid"] = self.session
        if "messages" in self.client.cookies:
            del self.client.cookies["messages"]
        status = REFUSED if location.split("?", 1)[0] in self.landings else response.status_code
        self.done[key] = status
        return status


def walk(walker: Walker, routes: list[Route], foreign: list[Tenant], own: Tenant):
    """Request every filled URL of every route; return the routes walked and those not."""
    unwalked: dict[str, str] = {}
    walked = set()  # indexes: a route string can appear twice (ours before Wagtail's)
    for index, route in enumerate(routes):
        if route.route in NOT_WALKED:
            unwalked[route.route] = NOT_WALKED[route.route]
            continue
        reasons = []
        for tenant in foreign:
            filled_urls, why = fill(route, tenant)
            if why:
                reasons.append(f"{tenant.key}: {why}")
            for filled in filled_urls:
                walked.add(index)
                walk_url(walker, filled, tenant)
            for filled in fill(route, tenant, own)[0]:
                walk_url(walker, filled, tenant)
        if index not in walked:
            unwalked[route.route] = "; ".join(reasons) or "nothing to fill"
    return walked, unwalked


def walked_elsewhere(
    username: str, unwalked: dict[str, str], scene: dict[str, Tenant], routes: list[Route]
) -> dict[str, str]:
    """Of the patterns `username`'s walk could not fill, those another walker's sites' objects
    fill, each with that walker: for Coventry's editor, the views of what Leeds has nothing of
    (join requests, Welsh translations, SMTP servers), which Leeds's editor walks."""
    return {
        route.route: other
        for route in routes
        if route.route in unwalked and route.route not in NOT_WALKED
        for other, (_own, keys) in WALKERS.items()
        if other != username and any(fill(route, scene[key])[0] for key in keys)
    }


def walk_url(walker: Walker, filled: Filled, tenant: Tenant) -> None:
    """GET, an empty POST and a POST of foreign ids; listings, choosers and APIs (no path
    arguments) the walker may open, and bulk actions (which read their ids from the query),
    also with queries."""
    route, url = filled.route, filled.url
    bulk = "action" in route.params
    got = walker.request(route, url, "GET")
    if got == 404 and filled.model_guessed and not bulk:
        return  # the URL named a model this view does not serve
    posted = walker.request(route, url, "POST")
    if got != 404 and posted not in {404, 405, REFUSED}:
        # What refuses an empty POST refuses it with ids: only a POST that got further is
        # tried again with foreign ids in the form.
        walker.request(route, url, "POST", _post_data(filled, tenant))
    if (route.params or got != 200) and not bulk:
        return  # what refuses (or is not) a listing without a query does so with one
    ids = "&".join(f"id={pk}" for pk in _ids(filled, tenant))
    parent = _instances(tenant, Page)[0].pk
    for query in (ids, f"q={SEARCH_WORD}", f"parent={parent}&child_of={parent}"):
        walker.request(route, f"{url}?{query}", "GET")
    if posted not in {405, REFUSED}:
        walker.request(route, f"{url}?{ids}", "POST", _post_data(filled, tenant))


def summarise(findings: list[Finding]) -> list[str]:
    """One line per pattern, method and what it showed, with one of its URLs."""
    groups: dict[tuple, set] = {}
    for finding in findings:
        key = (finding.route, finding.method, finding.status, finding.what)
        groups.setdefault(key, set()).add(finding.url)
    lines = []
    for (route, method, status, what), urls in sorted(groups.items()):
        paths = sorted({url.split("?", 1)[0] for url in urls})
        shown = ", ".join(paths[:4]) + (f" (+{len(paths) - 4})" if len(paths) > 4 else "")
        queries = sorted({url.split("?", 1)[1] for url in urls if "?" in url})
        asked = f" with ?{queries[0]}" if queries and len(queries) == len(urls) else ""
        lines.append(f"{route} | {method} {shown}{asked} -> {status}: {what}")
    return lines
