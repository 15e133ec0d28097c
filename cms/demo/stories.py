"""The coalition's community stories (../shared/seeds), in the shared library."""

import datetime

from wagtail.models import Collection, Locale, Page, Site

from cms.stories.models import Story, StoryIndexPage, Theme

from . import content
from .media import get_or_create_image
from .pictures import draw_illustration

THEMES = [
    ("Mutual aid", "mutual-aid"),
    ("Volunteering", "volunteering"),
    ("Friendship", "friendship"),
    ("Older people", "older-people"),
    ("Health and wellbeing", "health-and-wellbeing"),
    ("Kindness", "kindness"),
]

STORIES = [
    {
        "slug": "this-mum-runs",
        "title": "This Mum Runs: prescriptions on the run",
        "quote": (
            "We've been delivering an on-the-run pharmacy courier service where runners pick up "
            "and take prescriptions to those who are socially isolating."
        ),
        "body": (
            "<p>Christina and This Mum Runs in Bristol turned their runs into a lifeline: "
            "runners pick up prescriptions and take them to people who are socially "
            "isolating.</p>"
        ),
        "person_name": "Christina",
        "person_role": "This Mum Runs",
        "organisation": "This Mum Runs",
        "town": "Bristol",
        "themes": ["mutual-aid", "health-and-wellbeing"],
        "photo": ("runners", "coalition"),
        "photo_credit": "This Mum Runs",
        "image_alt": "Three runners from This Mum Runs set off down a street, one carrying a "
        "prescription bag",
        "home": "national",
        "reach": Story.Reach.NETWORK,
    },
    {
        "slug": "zak-qpg-hub",
        "title": "Zak: why not give back?",
        "quote": (
            "I thought like the community needs me. I'm well, I'm healthy. Why not give back "
            "those that need it the most?"
        ),
        "body": "<p>Zak volunteers for QPG Hub in London.</p>",
        "person_name": "Zak",
        "person_role": "volunteer",
        "organisation": "QPG Hub",
        "town": "London",
        "themes": ["volunteering", "kindness"],
        "photo": ("food_hub", "coalition"),
        "photo_credit": "QPG Hub",
        "image_alt": "Zak packing food parcels at QPG Hub",
        "home": "national",
        "reach": Story.Reach.NETWORK,
    },
    {
        "slug": "orla-and-jean",
        "title": "Orla and Jean: a friendly wave through the window",
        "quote": (
            "I phoned Jean and she sounded cut off from the world, so I called over to give a "
            "friendly wave through the window and left a (sanitised) book."
        ),
        "body": "<p>Orla and Jean are friends through the work of North London Cares.</p>",
        "person_name": "Orla",
        "person_role": "neighbour",
        "organisation": "North London Cares",
        "town": "London",
        "themes": ["friendship", "older-people"],
        "photo": None,  # the coalition's own photo of Orla and Jean
        "photo_credit": "The Cares Family",
        "image_alt": content.ORLA_AND_JEAN_ALT,
        "home": "national",
        "reach": Story.Reach.NETWORK,
    },
    {
        "slug": "rose-coventry",
        "title": "Rose: what kind of human being am I going to be?",
        "quote": (
            "During lockdown, I have spent a lot of time thinking about \u2018what kind of human "
            "being am I going to be beyond COVID-19?\u2019 I have found myself wishing that the "
            "world could remain like this with its positivity, connection and love for one "
            "another"
        ),
        "body": (
            "<p>We want to see a city where people keep coming together with the empathy and "
            "kindness that\u2019s blossomed this Spring.</p>"
        ),
        "person_name": "Rose",
        "person_role": "Coventry resident",
        "organisation": "",
        "town": "Coventry",
        "themes": ["kindness", "friendship"],
        "photo": ("garden", "coventry"),
        "photo_credit": "Connecting for Good Coventry",
        "image_alt": "Rose and her neighbours tending the raised beds of a community garden",
        "home": "coventry",
        "reach": Story.Reach.LOCAL,
    },
]


def ensure_themes() -> dict[str, Theme]:
    locale = Locale.get_default()
    themes = {}
    for name, slug in THEMES:
        theme, _ = Theme.objects.get_or_create(slug=slug, locale=locale, defaults={"name": name})
        themes[slug] = theme
    return themes


def ensure_story_index(home: Page, intro: str) -> StoryIndexPage:
    existing = StoryIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = StoryIndexPage(
        title="Stories",
        slug="stories",
        intro=intro,
        share_intro=(
            "<p>Has someone in your community made a difference? Tell us, in your own words.</p>"
        ),
        locale=home.locale,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def build_stories(
    sites: dict[str, Site], collections: dict[str, Collection], orla_photo
) -> dict[str, Story]:
    themes = ensure_themes()
    locale = Locale.get_default()
    built = {}
    for data in STORIES:
        story = Story.objects.filter(slug=data["slug"], locale=locale).first()
        if story is None:
            if data["photo"] is None:
                image = orla_photo
            else:
                scene, palette = data["photo"]
                image = get_or_create_image(
                    data["title"],
                    draw_illustration(scene, palette, seed=data["slug"]),
                    f"{data['slug']}.jpg",
                    collections[data["home"]],
                    alt_text=data["image_alt"],
                )
            story = Story(
                slug=data["slug"],
                title=data["title"],
                quote=data["quote"],
                body=data["body"],
                person_name=data["person_name"],
                person_role=data["person_role"],
                organisation=data["organisation"],
                town=data["town"],
                image=image,
                image_alt=data["image_alt"],
                photo_credit=data["photo_credit"],
                site=sites[data["home"]],
                reach=data["reach"],
                consent_given_on=datetime.date(2020, 5, 1),
                consent_scope=Story.ConsentScope.WEBSITE_SOCIAL,
                locale=locale,
            )
            story.themes = [themes[slug] for slug in data["themes"]]
            story.save()
            story.save_revision().publish()
        built[data["slug"]] = story
    return built
