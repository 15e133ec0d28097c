"""The panel on the admin dashboard: a chapter editor's own site's figures (its subscribers'
growth, its stories waiting for moderation, its requests), a link to Network for the national
team. Added by the ``construct_homepage_panels`` hook (wagtail_hooks.py)."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from cms.stories.models import Story

from .charts import chart, weekly_series
from .links import Links
from .measures import TABLE_WINDOW, measure_by_slug
from .permissions import sees_network, visible_sites
from .sitesets import SiteSet

PANEL_WEEKS = 12
MAX_SITES = 5  # an editor of more sites than this sees the first ones and a link to each page


def stories_in_moderation(site_ids: list[int]) -> dict[int, int]:
    """{site id: stories waiting in a moderation workflow}: one query."""
    rows = (
        Story.objects.filter(site__in=site_ids, _workflow_states__status="in_progress")
        .values("site")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return {row["site"]: row["n"] for row in rows}


class NetworkPanel(Component):
    name = "network_figures"
    template_name = "network/admin/panel.html"
    order = 90

    class Media:
        css = {"all": ["network/network.css"]}

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        user = request.user
        if sees_network(user):
            return {"network_url": reverse("network_admin:index")}
        sites = SiteSet(visible_sites(user), limit=MAX_SITES)
        if not sites.ids:
            return {}
        links = Links(user, sites)
        ends, series = weekly_series(["subscribers"], sites.ids, PANEL_WEEKS)
        requests = measure_by_slug("requests").counts(sites, timezone.now(), TABLE_WINDOW)
        waiting = stories_in_moderation(sites.ids)
        panels = []
        for site in sites.sites:
            name = site.site_name or site.hostname
            panels.append(
                {
                    "site": site,
                    "name": name,
                    "panel_id": f"network-figures-{site.pk}",
                    "chart_id": f"network-panel-chart-{site.pk}",
                    "chart": chart([name], ends, [series[("subscribers", site.pk)]]),
                    "waiting": waiting.get(site.pk, 0),
                    "stories_url": links.for_listing("stories_shared", site),
                    "requests": requests.get(site.pk, 0),
                    "forms_url": links.for_listing("forms", site),
                    "subscribers_url": links.for_listing("subscribers", site),
                    "site_url": reverse("network_admin:site", args=[site.pk]),
                }
            )
        return {"panels": panels, "weeks": PANEL_WEEKS}
