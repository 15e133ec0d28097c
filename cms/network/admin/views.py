"""Admin -> Network: the sortable table of every site's figures, and its CSV."""

from django.http import QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail.admin.auth import permission_denied

from ..charts import SPARK_HEIGHT, SPARK_WIDTH, sparkline, weekly_series
from ..conf import snapshot_seconds
from ..figures import (
    CHANGE_WEEKS,
    LAST_SEND_KEY,
    SITE_KEY,
    SUBSCRIBERS,
    change_key,
    parse_ordering,
    site_rows,
    sort_rows,
)
from ..links import Links
from ..measures import all_measures
from ..permissions import sees_network
from ..sitesets import SiteSet
from .csv_files import csv_response


def site_label(site) -> str:
    return site.site_name or site.hostname


def column_labels(measures) -> dict[str, str]:
    labels = {SITE_KEY: gettext_lazy("Site")}
    for measure in measures:
        labels[measure.slug] = measure.label
        if measure.slug == "subscribers":
            for weeks in CHANGE_WEEKS:
                labels[change_key(weeks)] = gettext_lazy("Change over %(weeks)s weeks") % {
                    "weeks": weeks
                }
    labels[LAST_SEND_KEY] = gettext_lazy("Last newsletter sent")
    return labels


def _headers(request, labels: dict, key: str, descending: bool, measures) -> list[dict]:
    """Each column's sort link (a click sorts by it, a second click reverses) and aria-sort."""
    charts = {measure.slug for measure in measures}
    headers = []
    for column, label in labels.items():
        sorted_here = column == key
        query = QueryDict(mutable=True)
        query["ordering"] = column if sorted_here and descending else f"-{column}"
        if column == SITE_KEY:
            query["ordering"] = f"-{column}" if sorted_here and not descending else column
        aria = "none"
        if sorted_here:
            aria = "descending" if descending else "ascending"
        chart_url = None
        if column in charts:
            chart_url = reverse("network_admin:measure", args=[column])
        headers.append(
            {
                "key": column,
                "label": label,
                "url": f"?{query.urlencode()}",
                "aria_sort": aria,
                "chart_url": chart_url,
            }
        )
    return headers


SPARK_WEEKS = 12


def _sparks(sites: SiteSet) -> dict[int, dict]:
    """{site id: its subscribers' last 12 weeks as a small line, and words for it}: one query."""
    ends, series = weekly_series([SUBSCRIBERS], sites.ids, SPARK_WEEKS)
    sparks = {}
    for site_id in sites.ids:
        values = series[(SUBSCRIBERS, site_id)]
        known = [value for value in values if value is not None]
        points = sparkline(values)
        if points:
            label = _("Subscribers over %(weeks)s weeks: from %(first)s to %(last)s") % {
                "weeks": SPARK_WEEKS,
                "first": known[0],
                "last": known[-1],
            }
            sparks[site_id] = {"points": points, "label": label}
    return sparks


def _cells(row, measures, sites: SiteSet, links: Links | None = None) -> list[dict]:
    """The row's figures in column order, each with its listing's URL (with `links`). Join
    requests are the national site's: a chapter's cell is empty."""
    cells = []
    for measure in measures:
        value = row.values.get(measure.slug)
        is_join = measure.slug == "join_requests" and row.site.pk != sites.national_id
        url = None
        if links is not None and not is_join:
            url = links.for_listing(measure.listing, row.site)
        cells.append({"key": measure.slug, "value": None if is_join else value, "url": url})
        if measure.slug == "subscribers":
            for weeks in CHANGE_WEEKS:
                cells.append(
                    {
                        "key": change_key(weeks),
                        "value": row.changes.get(weeks),
                        "change": True,
                        "url": None,
                    }
                )
    return cells


@require_GET
def network_view(request):
    if not sees_network(request.user):
        return permission_denied(request)
    measures = all_measures()
    sites = SiteSet()
    key, descending = parse_ordering(request.GET.get("ordering"), measures)
    rows = sort_rows(site_rows(sites, measures), key, descending)
    links = Links(request.user, sites)
    sparks = _sparks(sites)
    return TemplateResponse(
        request,
        "network/admin/index.html",
        {
            "page_title": _("Network"),
            "header_icon": "site",
            "headers": _headers(request, column_labels(measures), key, descending, measures),
            "rows": [
                (
                    row,
                    _cells(row, measures, sites, links),
                    links.for_listing("newsletters", row.site),
                    sparks.get(row.site.pk),
                )
                for row in rows
            ],
            "measures": measures,
            "ordering": request.GET.get("ordering", ""),
            "snapshot_minutes": max(snapshot_seconds() // 60, 1),
            "spark_width": SPARK_WIDTH,
            "spark_height": SPARK_HEIGHT,
        },
    )


@require_GET
def network_csv_view(request):
    if not sees_network(request.user):
        return permission_denied(request)
    measures = all_measures()
    sites = SiteSet()
    key, descending = parse_ordering(request.GET.get("ordering"), measures)
    rows = sort_rows(site_rows(sites, measures), key, descending)
    labels = column_labels(measures)
    header = [
        *(labels[column] for column in labels if column != LAST_SEND_KEY),
        _("Hostname"),
        _("Last newsletter sent"),
        _("Delivered"),
    ]

    def lines():
        for row in rows:
            values = [site_label(row.site)]
            for cell in _cells(row, measures, sites):
                values.append(cell["value"])
            send = row.last_send
            yield [
                *values,
                row.site.hostname,
                date_format(send.finished_at, "Y-m-d") if send and send.finished_at else "",
                send.delivered if send else "",
            ]

    return csv_response("network.csv", header, lines())
