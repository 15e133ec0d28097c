"""The newsletter's part of a new chapter site: its own list, and /newsletter/ (the signup form
and the archive). Registered as a provisioning step at the end of newsletter/wagtail_hooks.py
(see chapters.provisioning)."""

from functools import partial

from cms.core.provisioning import SiteSetup, child_page

from .models import NewsletterIndexPage, NewsletterList

NEWSLETTER_INTRO = (
    "<p>Receive our latest news: stories of connection, events and ways to get involved, "
    "a few times a year.</p>"
)


def add_newsletter(setup: SiteSetup) -> None:
    """A newsletter page the editors already put under the home (at any slug) is left alone."""
    home = setup.home
    page = NewsletterIndexPage.objects.child_of(home).first() or child_page(
        home,
        "newsletter",
        partial(NewsletterIndexPage, title="Newsletter", intro=NEWSLETTER_INTRO),
    )
    # In the site's menu, after the sections before it: every site links its signup.
    setup.sections["newsletter"] = page
    NewsletterList.objects.get_or_create(
        site=setup.site, defaults={"name": setup.name, "from_name": setup.name}
    )
