"""The coalition's founding members (../shared/seeds), its directory and its join form."""

import datetime
from functools import partial

from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Collection, Locale, Page

from cms.coalition.models import (
    JoinCoalitionPage,
    JoinRequest,
    Member,
    MemberDirectoryPage,
    OrganisationKind,
    Region,
)
from cms.core.provisioning import child_page
from cms.formpages.models import FormPage

from . import content
from .media import draw_logo, get_or_create_image

FOUNDERS = [
    (
        "The Jo Cox Foundation",
        OrganisationKind.CHARITY,
        "#6a1b9a",
        "Founded the Connection Coalition, and leads it as an initiative of the Foundation.",
        "https://www.jocoxfoundation.org",
    ),
    (
        "Mind",
        OrganisationKind.CHARITY,
        "#1e88e5",
        "The mental health charity; a founding member of the Connection Coalition.",
        "https://www.mind.org.uk",
    ),
    (
        "The British Red Cross",
        OrganisationKind.CHARITY,
        "#d32f2f",
        "The humanitarian charity; a founding member of the Connection Coalition.",
        "https://www.redcross.org.uk",
    ),
    (
        "Facebook",
        OrganisationKind.COMPANY,
        "#1565c0",
        "A founding member of the Connection Coalition.",
        "https://www.facebook.com",
    ),
    (
        "Age UK",
        OrganisationKind.CHARITY,
        "#00838f",
        "The charity for older people; a founding member of the Connection Coalition.",
        "https://www.ageuk.org.uk",
    ),
    (
        "Nesta",
        OrganisationKind.CHARITY,
        "#ef6c00",
        "The UK innovation charity, and an Encore Network member; a founding member of the "
        "Connection Coalition.",
        "https://www.nesta.org.uk",
    ),
    (
        "NationBuilder",
        OrganisationKind.COMPANY,
        "#2e7d32",
        "A founding member of the Connection Coalition.",
        "https://nationbuilder.com",
    ),
    (
        "The Cares Family",
        OrganisationKind.CHARITY,
        "#ad1457",
        "Led by Encore Public Voices Fellow Alex Smith; North London Cares is part of it. A "
        "founding member of the Connection Coalition.",
        "https://www.thecaresfamily.org.uk",
    ),
]


def build_members(collection: Collection) -> list[Member]:
    locale = Locale.get_default()
    members = []
    for name, kind, colour, description, website in FOUNDERS:
        member = Member.objects.filter(name=name, locale=locale).first()
        if member is None:
            logo = get_or_create_image(
                f"{name} logo",
                draw_logo(name, colour),
                f"logo-{colour[1:]}.png",
                collection,
                alt_text=name,
            )
            member = Member.objects.create(
                name=name,
                kind=kind,
                region=Region.NATIONAL,
                description=description,
                website=website,
                logo=logo,
                founding_member=True,
                joined_on=datetime.date(2020, 4, 1),
                locale=locale,
            )
        members.append(member)
    return members


def build_coalition_pages(home: Page) -> dict[str, Page]:
    directory = child_page(
        home,
        "members",
        partial(
            MemberDirectoryPage,
            title="Members",
            intro=(
                "A growing network of organisations, charities, companies and groups united in our "
                "belief that we can build a better future for everyone by building strong "
                "relationships and connected communities."
            ),
        ),
    )
    join = child_page(
        home,
        "join",
        partial(
            JoinCoalitionPage,
            title="Join the Coalition",
            intro="".join(
                f"<p>{text}</p>" for text in dict(content.FAQ)["Can I sign up? And how?"]
            ),
            aims=(
                "<p>Working together to build strong relationships and connected communities, "
                "both now and in the future.</p>"
            ),
        ),
    )
    return {"members": directory, "join": join}


def build_pending_request() -> None:
    if JoinRequest.objects.exists():
        return
    JoinRequest.objects.create(
        organisation="Hillfields Community Pantry",
        kind=OrganisationKind.COMMUNITY_GROUP,
        website="https://hillfields-pantry.example.org",
        contact_name="Amira Khan",
        contact_email="amira@hillfields-pantry.example.org",
        region=Region.WEST_MIDLANDS,
        reason=(
            "We run a weekly pantry and a phone befriending rota in Hillfields, Coventry. We "
            "would like to share what we have learned and join the Community Makes Us campaign."
        ),
        agreed_to_aims=True,
    )


# One submission on each of a chapter's forms (cms.formpages.provisioning.CHAPTER_FORMS), by slug.
FORM_SUBMISSIONS = {
    "volunteer": {
        "your_name": "Dev Patel",
        "email_address": "dev@example.org",
        "phone_number": "",
        "how_would_you_like_to_help": ["Befriending", "Digital skills"],
        "tell_us_a_little_about_yourself": "Retired IT teacher, free on weekday mornings.",
    },
    "have-a-chat": {
        "your_name": "Margaret Ellis",
        "email_address": "margaret@example.org",
        "phone_number": "024 7600 0000",
        "best_time_to_call": "Morning",
        "what_would_you_like_to_talk_about": "I'd like to start a walking group on our estate.",
    },
}


def build_form_submissions(chapter_home: Page) -> None:
    for slug, form_data in FORM_SUBMISSIONS.items():
        page = FormPage.objects.descendant_of(chapter_home).filter(slug=slug).first()
        if page and not FormSubmission.objects.filter(page=page).exists():
            FormSubmission.objects.create(page=page, form_data=form_data)
