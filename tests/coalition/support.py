"""What the coalition tests share: the join form's data and its signed timestamp, posting it,
the decide view's URL, join requests and members made in a test, and reading the directory."""

import html as html_lib
import re
import time

from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Locale

from cms.coalition.forms import JoinRequestForm
from cms.coalition.models import JoinRequest, Member, OrganisationKind, Region
from cms.core import antispam
from tests.conftest import NATIONAL_HOST
from tests.helpers import (
    with_overrides,
)

JOIN_URL = "/join/"
THANKS_URL = "/join/thanks/"
MEMBERS_URL = "/members/"
NATIONAL_EDITOR_EMAIL = "national-editor@connectioncoalition.example"
COVENTRY_EDITOR_EMAIL = "coventry-editor@connectioncoalition.example"
APPLICANT_EMAIL = "sam@riverside-lunch.example.org"
ORGANISATION = "Riverside Lunch Club"
PENDING_DEMO = "Hillfields Community Pantry"
FOUNDERS = 8


def token(age_seconds: float = 60, salt: str | None = None) -> str:
    """The join form's timestamp as it would have been signed `age_seconds` ago."""
    return antispam.sign_timestamp(
        salt or JoinRequestForm.get_antispam_salt(), at=time.time() - age_seconds
    )


def join_data(**overrides) -> dict:
    defaults = {
        "organisation": ORGANISATION,
        "kind": OrganisationKind.COMMUNITY_GROUP,
        "website": "https://riverside-lunch.example.org",
        "region": Region.WEST_MIDLANDS,
        "contact_name": "Sam Okafor",
        "contact_email": APPLICANT_EMAIL,
        "reason": "We cook a weekly lunch for 40 neighbours.\n\nWe want to learn from others.",
        "agreed_to_aims": "on",
        "homepage": "",  # the honeypot: the form has a real "website" field
        "form_started": token(),
    }
    return with_overrides(defaults, overrides)


def post_join(client, data, host=NATIONAL_HOST, **extra):
    return client.post(JOIN_URL, data, HTTP_HOST=host, **extra)


def decide_url(join_request) -> str:
    return reverse("coalition_join_requests:decide", args=[join_request.pk])


def demo_request() -> JoinRequest:
    return JoinRequest.objects.get(organisation=PENDING_DEMO)


def make_request(**fields) -> JoinRequest:
    values = {
        "organisation": ORGANISATION,
        "kind": OrganisationKind.CHARITY,
        "website": "https://riverside-lunch.example.org",
        "contact_name": "Sam Okafor",
        "contact_email": APPLICANT_EMAIL,
        "region": Region.LONDON,
        "reason": "We cook lunch.",
        "agreed_to_aims": True,
    }
    values.update(fields)
    return JoinRequest.objects.create(**values)


def recipients(outbox) -> list[str]:
    return [address for message in outbox for address in message.recipients()]


def member_names(html: str) -> list[str]:
    return [
        html_lib.unescape(name)
        for name in re.findall(r'<span class="member-card__name">(.*?)</span>', html)
    ]


def client_directory(client) -> str:
    return client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()


def add_members(
    count: int, *, prefix="Budget member", logo_ids=None, logo_every=3, **fields
) -> list[Member]:
    """Bulk-insert members; every `logo_every`-th has a logo (by default one of the founders')."""
    locale = Locale.get_default()
    if logo_ids is None:
        logo_ids = list(
            Member.objects.filter(logo__isnull=False).values_list("logo_id", flat=True).distinct()
        )
    start = Member.objects.filter(name__startswith=prefix).count()
    defaults = {"kind": OrganisationKind.CHARITY, "region": Region.NORTH_WEST}
    defaults.update(fields)
    members = [
        Member(
            name=f"{prefix} {index:04d}",
            slug=slugify(f"{prefix} {index:04d}"),
            description=f"Number {index} of the bulk members.",
            logo_id=logo_ids[index % len(logo_ids)]
            if logo_ids and index % logo_every == 0
            else None,
            locale=locale,
            **defaults,
        )
        for index in range(start, start + count)
    ]
    return Member.objects.bulk_create(members, batch_size=500)
