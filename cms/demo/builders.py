"""Build the demo network: the national site, Coventry's chapter, their stories, members,
newsletters and accounts. The pages are built in national.py and coventry.py, the accounts in
accounts.py, the stories, members and forms' submissions in stories.py and coalition.py.

load_demo and the test suite both build from here. Every step looks for what is already there
first, so a second run changes nothing and never overwrites an editor's work.
"""

import os
from dataclasses import dataclass

from django.db import models, transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from chapters.models import Chapter
from chapters.provisioning import child_collection
from cms.core.models import NationalHomePage
from newsletter.demo import build_newsletters
from sites.models import NavigationItem, SiteSettings

from .accounts import DEFAULT_PASSWORD, ensure_user, national_editors_group
from .coalition import build_form_submissions, build_members, build_pending_request
from .coventry import build_coventry
from .local_groups import build_local_groups, place_coventry
from .national import (
    build_national_pages,
    ensure_national_site,
    style_national_site,
)
from .pages import publish
from .stories import build_stories, ensure_story_index
from .welsh import offer_languages, translate_national_site, write_national_site_text


@dataclass
class DemoNetwork:
    national_site: Site
    national_home: NationalHomePage
    coventry: Chapter


# --- stories on pages ----------------------------------------------------------------------

NATIONAL_FEATURED = ["this-mum-runs", "zak-qpg-hub", "orla-and-jean"]


def _orla_photo(collection):
    return get_image_model().objects.get(title="Orla and Jean", collection=collection)


def add_nav_item(site: Site, page: Page, order: int) -> None:
    site_settings = SiteSettings.for_site(site)
    if not site_settings.navigation_items.filter(page=page).exists():
        site_settings.navigation_items.filter(sort_order__gte=order).update(
            sort_order=models.F("sort_order") + 1
        )
        NavigationItem.objects.create(settings=site_settings, page=page, sort_order=order)


def feature_stories(page, heading: str, stories=(), mode: str = "chosen") -> None:
    """Add a "featured stories" block (the chosen stories, or mode="latest_site") once; never
    touch an edited body twice."""
    page = page.specific
    if any(block.block_type == "featured_stories" for block in page.body):
        return
    page.body.append(
        (
            "featured_stories",
            {"heading": heading, "mode": mode, "stories": list(stories), "theme": None, "count": 3},
        )
    )
    publish(page)


@transaction.atomic
def build_demo(port: int = 80, password: str | None = None) -> DemoNetwork:
    password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    site, home = ensure_national_site(port)
    national_collection = child_collection("National")
    pages = build_national_pages(home, national_collection)
    style_national_site(site, pages, national_collection)
    coventry = build_coventry(port)
    pages["stories"] = ensure_story_index(
        home, "Stories of connection from communities across the UK."
    )
    add_nav_item(site, pages["stories"], order=2)
    stories = build_stories(
        {"national": site, "coventry": coventry.site},
        {"national": national_collection, "coventry": coventry.collection},
        orla_photo=_orla_photo(national_collection),
    )
    feature_stories(home, "Community Stories", [stories[s] for s in NATIONAL_FEATURED])
    feature_stories(pages["campaign"], "Community Stories", [stories[s] for s in NATIONAL_FEATURED])
    feature_stories(coventry.site.root_page, "Stories from Coventry", mode="latest_site")

    build_members(national_collection)
    add_nav_item(site, pages["members"], order=3)
    place_coventry(coventry)
    pages["local_groups"] = build_local_groups(home, pages["join"])
    add_nav_item(site, pages["local_groups"], order=4)
    build_pending_request()
    build_form_submissions(coventry.site.root_page)

    ensure_user("admin", password, superuser=True)
    national_editors = national_editors_group(site, national_collection)
    ensure_user("national-editor", password, groups=[national_editors])
    ensure_user("coventry-editor", password, groups=[coventry.editors_group])

    newsletters = build_newsletters(site, coventry.site, stories, national_editors)
    # The national data team: erases a person from every newsletter list (a GDPR request).
    ensure_user("data-team", password, groups=[newsletters.data_team])
    add_nav_item(site, newsletters.national_index, order=5)
    # Last, once the English is final: the national site in Welsh, through wagtail-localize.
    offer_languages(site, coventry.site)
    translate_national_site(site)
    write_national_site_text(site)
    return DemoNetwork(national_site=site, national_home=home, coventry=coventry)
