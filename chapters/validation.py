"""Whether a chapter can be made with these details: one set of checks and messages for every
way in (`create_chapter`, the admin's "Start a chapter" form, chapters.forms, and
provision_chapter itself, which code such as the demo calls directly).

Each check returns the value normalised or raises ProvisioningError (a ValidationError: a form
shows it on its field, the command prints it) with a message fit for the person who typed it.
Nothing here writes: a refused chapter leaves the database as it was.
"""

import re

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Locale, Site

from cms.coalition.models import Region
from sites.contrast import contrast_failures
from sites.languages import locales_for_codes
from sites.models import SiteSettings, hex_colour

from .models.chapter import Chapter

# RFC 1123 labels: letters, digits and inner hyphens, at most 63 each, 253 in all.
LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})*$")
COLOUR_FIELDS = ("primary_colour", "accent_colour", "background_colour")
NAME_LENGTH = Chapter._meta.get_field("name").max_length


class ProvisioningError(ValidationError):
    """A chapter's details refused, with a message to show whoever typed them."""


def checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ProvisioningError(_("A chapter needs a name."), code="name_missing")
    if len(name) > NAME_LENGTH:
        raise ProvisioningError(
            _("A chapter's name has at most %(length)d characters."),
            code="name_long",
            params={"length": NAME_LENGTH},
        )
    return name


def checked_name_free(name: str, slug: str) -> None:
    """The name makes the chapter's groups ("<name> editors") and collection: another
    chapter's, or a group or collection already there (the national editors'), would be shared
    with it and give the new chapter's editors what belongs to someone else."""
    if Chapter.objects.filter(slug=slug).exists():
        return  # completing a chapter: its groups and collection are its own
    taken = (
        Chapter.objects.filter(name__iexact=name).exists()
        or Group.objects.filter(name__in=[f"{name} editors", f"{name} moderators"]).exists()
        or Collection.objects.filter(name__iexact=name, depth=2).exists()
    )
    if taken:
        raise ProvisioningError(
            _("The name %(name)s is already used by another chapter, group or collection."),
            code="name_taken",
            params={"name": repr(name)},
        )


def checked_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    Chapter._meta.get_field("slug").run_validators(slug)
    if not slug:
        raise ProvisioningError(_("A chapter needs a short name."), code="slug_missing")
    return slug


def checked_hostname(hostname: str) -> str:
    hostname = (hostname or "").strip().lower()
    if not HOSTNAME.match(hostname):
        raise ProvisioningError(
            _("%(hostname)s is not a hostname (no scheme, port or path)."),
            code="hostname_invalid",
            params={"hostname": repr(hostname)},
        )
    return hostname


def checked_hostname_free(hostname: str, slug: str) -> None:
    taken = Site.objects.filter(hostname=hostname).select_related("chapter").first()
    if taken is None:
        return
    owner = getattr(taken, "chapter", None)
    if owner is None or owner.slug != slug:
        raise ProvisioningError(
            _("The hostname %(hostname)s is already used by the site %(site)s."),
            code="hostname_taken",
            params={"hostname": repr(hostname), "site": repr(taken.site_name)},
        )


def checked_existing(slug: str, hostname: str, *, new_only: bool) -> Chapter | None:
    """The chapter at `slug` if there is one and running again may complete it (the command);
    `new_only` (the admin's "Start a chapter") refuses any existing slug."""
    existing = Chapter.objects.select_related("site").filter(slug=slug).first()
    if existing is None:
        return None
    if existing.site.hostname != hostname:
        raise ProvisioningError(
            _("The chapter %(slug)s already exists with the hostname %(hostname)s."),
            code="slug_taken",
            params={"slug": repr(slug), "hostname": repr(existing.site.hostname)},
        )
    if new_only:
        raise ProvisioningError(
            _("The chapter %(slug)s already exists."),
            code="slug_taken",
            params={"slug": repr(slug)},
        )
    return existing


def checked_languages(codes) -> list[Locale]:
    codes = [code for code in codes or [] if code.strip()]
    known = {code for code in Locale.objects.values_list("language_code", flat=True)}
    unknown = [code.strip().lower() for code in codes if code.strip().lower() not in known]
    if unknown:
        raise ProvisioningError(
            _("Unknown language code(s): %(unknown)s (known: %(known)s)."),
            code="language_unknown",
            params={"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))},
        )
    return locales_for_codes(codes)


def checked_region(region: str) -> str:
    """A region of the network (cms.coalition's Region, as members have): its code, or its
    English name in any case ("West Midlands", "west_midlands"); blank for none."""
    wanted = " ".join((region or "").replace("_", " ").split()).casefold()
    if not wanted:
        return ""
    for choice in Region:
        if wanted in {choice.value.replace("_", " "), str(choice.label).casefold()}:
            return choice.value
        with translation.override("en"):
            if wanted == str(choice.label).casefold():
                return choice.value
    raise ProvisioningError(
        _("Unknown region %(region)s (known: %(known)s)."),
        code="region_unknown",
        params={"region": repr(region), "known": ", ".join(Region.values)},
    )


def checked_editor_email(email: str) -> str:
    """The first editor's address: one valid address, nothing else (no name, no line break)."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ProvisioningError(
            _("%(email)s is not an email address."),
            code="email_invalid",
            params={"email": repr(email)},
        ) from error
    return BaseUserManager.normalize_email(email)


def checked_colours(colours: dict[str, str]) -> dict[str, str]:
    """The brand colours given (blank ones take the site settings' defaults), each #rrggbb and
    together passing WCAG AA where the themes use them (sites.contrast, as the site settings
    form checks them). Errors by field name."""
    defaults = {name: SiteSettings._meta.get_field(name).default for name in COLOUR_FIELDS}
    chosen = {
        name: (colours.get(name) or "").strip().lower() or defaults[name] for name in COLOUR_FIELDS
    }
    errors: dict[str, list] = {}
    for name, value in chosen.items():
        try:
            hex_colour(value)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.error_list)
    for failure in contrast_failures(chosen):
        if failure.field not in errors:
            errors.setdefault(failure.field, []).append(
                ProvisioningError(failure.message, code="contrast")
            )
    if errors:
        raise ProvisioningError(errors)
    return chosen
