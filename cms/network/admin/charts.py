"""Charts: a measure over 12 or 52 weeks with a line per site (the national team's), a site's
measures (its own editors' too), and a measure's weekly series as CSV."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.admin.auth import permission_denied
from wagtail.models import Site

from ..charts import WEEK_CHOICES, chart, parse_weeks, weekly_series
from ..measures import all_measures, measure_by_slug
from ..permissions import sees_network, visible_sites
from ..sitesets import SiteSet
from .csv_files import csv_response
from .views import site_label


def _measure_or_404(slug: str):
    measure = measure_by_slug(slug)
    if measure is None:
        raise Http404
    return measure


def week_links(url: str, weeks: int) -> list[dict]:
    return [
        {"weeks": choice, "url": f"{url}?weeks={choice}", "current": choice == weeks}
        for choice in WEEK_CHOICES
    ]


def describe(measure) -> str:
    if measure.flow:
        return _("%(measure)s per week (the 7 days ending on each date)") % {
            "measure": measure.label
        }
    return _("%(measure)s at the end of each week") % {"measure": measure.label}


@require_GET
def measure_view(request, slug):
    if not sees_network(request.user):
        return permission_denied(request)
    measure = _measure_or_404(slug)
    weeks = parse_weeks(request.GET.get("weeks"))
    sites = SiteSet()
    ends, series = weekly_series([measure.slug], sites.ids, weeks)
    labels = [site_label(site) for site in sites.sites]
    drawn = chart(labels, ends, [series[(measure.slug, site.pk)] for site in sites.sites])
    url = reverse("network_admin:measure", args=[measure.slug])
    return TemplateResponse(
        request,
        "network/admin/measure.html",
        {
            "page_title": measure.label,
            "header_icon": "site",
            "measure": measure,
            "chart": drawn,
            "description": describe(measure),
            "weeks": weeks,
            "week_links": week_links(url, weeks),
            "sites": [
                (site, reverse("network_admin:site", args=[site.pk]), line)
                for site, line in zip(sites.sites, drawn["lines"], strict=True)
            ],
            "csv_url": reverse("network_admin:measure_csv", args=[measure.slug])
            + f"?weeks={weeks}",
        },
    )


@require_GET
def measure_csv_view(request, slug):
    if not sees_network(request.user):
        return permission_denied(request)
    measure = _measure_or_404(slug)
    weeks = parse_weeks(request.GET.get("weeks"))
    sites = SiteSet()
    ends, series = weekly_series([measure.slug], sites.ids, weeks)
    header = [_("Week ending"), *(site_label(site) for site in sites.sites)]
    rows = (
        [end.isoformat(), *(series[(measure.slug, site.pk)][index] for site in sites.sites)]
        for index, end in enumerate(ends)
    )
    return csv_response(f"network-{measure.slug}-{weeks}w.csv", header, rows)


@require_GET
def site_view(request, site_id):
    """A site's charts, one per measure: for whoever may see the site's figures."""
    allowed = visible_sites(request.user)
    site = get_object_or_404(Site, pk=site_id)
    if not allowed.filter(pk=site.pk).exists():
        return permission_denied(request)
    weeks = parse_weeks(request.GET.get("weeks"))
    measures = [m for m in all_measures() if m.slug != "join_requests" or site.is_default_site]
    ends, series = weekly_series([m.slug for m in measures], [site.pk], weeks)
    name = site_label(site)
    charts = [
        (measure, describe(measure), chart([name], ends, [series[(measure.slug, site.pk)]]))
        for measure in measures
    ]
    url = reverse("network_admin:site", args=[site.pk])
    return TemplateResponse(
        request,
        "network/admin/site.html",
        {
            "page_title": _("Figures of %(site)s") % {"site": name},
            "header_icon": "site",
            "site": site,
            "charts": charts,
            "weeks": weeks,
            "week_links": week_links(url, weeks),
            "sees_network": sees_network(request.user),
        },
    )
