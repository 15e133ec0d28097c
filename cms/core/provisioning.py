"""Building blocks of provisioning a site that the apps share: a get-or-create child page, and
the SiteSetup each provisioning step is given (chapters.provisioning runs the steps the apps
register; see there for the hook and its order)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from wagtail.models import Page, Site


def child_page(parent: Page, slug: str, build: Callable[[], Page]) -> Page:
    """The child of `parent` at `slug` if there is one (whatever an editor made of it), else
    the unsaved page build() returns, added there and published. The page takes its parent's
    locale."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = build()
    page.slug = slug
    if page.locale_id is None:
        page.locale_id = parent.locale_id
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def call_to_action(label: str, page: Page | None = None, url: str = "", style: str = "primary"):
    """A page body's "call_to_action" block, as a StreamField value: to a page or a URL."""
    return {
        "type": "call_to_action",
        "value": {"label": label, "page": page.pk if page else None, "url": url, "style": style},
    }


@dataclass
class SiteSetup:
    """A site being provisioned, as each step sees it: its Site and home page, the name and
    city it is made for, and its sections (the pages of its menu, by slug, in menu order) that
    the steps before have made."""

    site: Site
    home: Page
    name: str
    city: str = ""
    sections: dict[str, Page] = field(default_factory=dict)

    def add_section(self, slug: str, build: Callable[[], Page]) -> Page:
        """The home's child at `slug` (made by build() if missing), next in the site's menu."""
        page = child_page(self.home, slug, build)
        self.sections[slug] = page
        return page
