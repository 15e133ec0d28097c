"""The sites a dashboard counts for, read once per request: what every measure's query needs to
give its counts per site in one query, however many sites there are."""

from functools import cached_property

from django.db.models import Case, IntegerField, Q, Value, When
from wagtail.models import Page, Site


class SiteSet:
    """Sites (with their root pages and newsletter lists) and where their pages live: each
    site's root page and its translations (a Welsh tree is a sibling of the English one, not
    under it). Three queries at most, made when first needed."""

    def __init__(self, sites=None, limit: int | None = None):
        queryset = Site.objects.all() if sites is None else sites
        self._queryset = queryset.select_related("root_page", "newsletter_list").order_by(
            "-is_default_site", "site_name", "hostname"
        )[:limit]

    @cached_property
    def sites(self) -> list[Site]:
        return list(self._queryset)

    @cached_property
    def ids(self) -> list[int]:
        return [site.pk for site in self.sites]

    @cached_property
    def national_id(self) -> int | None:
        """The network's own site (the default one): where the coalition's join requests count."""
        return next((site.pk for site in self.sites if site.is_default_site), None)

    @cached_property
    def tree_paths(self) -> dict[str, int]:
        """{tree path of a root page or a translation of it: site id} (one query)."""
        keys = {site.root_page.translation_key: site.pk for site in self.sites}
        rows = Page.objects.filter(translation_key__in=keys).values_list(
            "path", "translation_key", "depth"
        )
        root_depths = {site.root_page.translation_key: site.root_page.depth for site in self.sites}
        return {path: keys[key] for path, key, depth in rows if depth == root_depths[key]}

    def site_of_page(self, field: str = "path") -> Case | Value:
        """An expression giving the site id of the page whose tree path is `field` (None
        outside every site), for grouping a count by site in one query."""
        whens = [
            When(**{f"{field}__startswith": path}, then=Value(site_id))
            for path, site_id in self.tree_paths.items()
        ]
        if not whens:
            return Value(None, output_field=IntegerField())
        return Case(*whens, default=Value(None), output_field=IntegerField())

    def in_trees(self, field: str = "path") -> Q:
        """Pages in any of the sites' trees."""
        query = Q(pk__in=[])
        for path in self.tree_paths:
            query |= Q(**{f"{field}__startswith": path})
        return query

    def newsletter_list_id(self, site: Site) -> int | None:
        try:
            return site.newsletter_list.pk
        except Site.newsletter_list.RelatedObjectDoesNotExist:
            return None
