"""The national site's "Find your local group" page."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from cms.core import page_cache
from cms.core.models import BasePage
from cms.core.text import query_param

from .finder import by_region_and_city, local_groups

QUERY_LENGTH = 100
# The page cache tag of every "Find your local group" page: a chapter's change purges these
# pages only, not the whole national site (chapters.page_cache).
FINDER_TAG = "chapters:local-groups"


class LocalGroupsPage(BasePage):
    """Every chapter with a live site, grouped by region then city, searchable by town. Its
    list is read from the chapters (chapters.models.finder), so a chapter started today is on
    it at once; the page cache is purged when a chapter or what the list shows of it changes
    (chapters.page_cache)."""

    intro = models.TextField(blank=True)
    start_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("page for starting a group"),
        help_text=_(
            "Where a resident with no group near them is sent to start one (e.g. Join the "
            "Coalition). The site's contact email is offered as well."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("start_page")]
    parent_page_types = ["core.NationalHomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "chapters/local_groups_page.html"

    class Meta:
        verbose_name = _("local groups page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_cache.allow(request, FINDER_TAG)  # stored under the site's tag and this one
        query = query_param(request, "q", QUERY_LENGTH)
        groups = local_groups(self.locale, query)
        context.update(
            query=query,
            group_count=len(groups),
            regions=by_region_and_city(groups),
            start_page=self.start_page.localized if self.start_page_id else None,
        )
        return context
