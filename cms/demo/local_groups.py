"""The national site's "Find your local group" page (chapters.models.LocalGroupsPage), in its
menu, and where the demo's chapter is, for the page to group and search."""

from wagtail.models import Page

from chapters.models import Chapter, LocalGroupsPage
from cms.core.provisioning import child_page

INTRO = (
    "Local groups of the Connection Coalition bring people together where they live. Find the "
    "one near you, read its latest story and join in."
)
COVENTRY_PLACE = {"region": "west_midlands", "towns": "Coventry\nKenilworth\nBedworth"}


def build_local_groups(home: Page, join: Page) -> LocalGroupsPage:
    return child_page(
        home,
        "local-groups",
        lambda: LocalGroupsPage(title="Find your local group", intro=INTRO, start_page=join),
    )


def place_coventry(chapter: Chapter) -> None:
    """Coventry's region and towns, once (an editor's change is kept)."""
    if not chapter.region and not chapter.towns:
        Chapter.objects.filter(pk=chapter.pk).update(**COVENTRY_PLACE)
        chapter.refresh_from_db()
