"""What the network counts: one table of measures, each a query giving every site's count at
once (so a dashboard costs one query per measure, whatever the number of sites).

A measure is a *level* (how many at a moment: subscribers, stories published) or a *flow*
(how many in a window: signups, requests). Snapshots store a level as of the end of the day and
a flow over the 7 days ending that day, so a weekly chart reads one row per week; the Network
table shows levels now and flows over the last 30 days.

Other apps add measures with the ``register_network_measures`` hook: a function returning an
iterable of Measure (read by ``all_measures``, built-in ones first).

History: each count is written for a moment in the past from the features' own timestamps,
which is how ``backfill`` reconstructs a year. Where that can only be approximate the measure's
docstring says so; the daily snapshots written from then on are exact.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import PageLogEntry

from cms.coalition.models import JoinRequest
from cms.stories.admin import CONSENT_LAPSING_DAYS
from cms.stories.models import Story
from newsletter.models import ConsentRecord, Subscription, Suppression

from .sitesets import SiteSet

MEASURES_HOOK = "register_network_measures"
# A signup recorded with this source came from an import of an existing list (none of our
# tools records one yet: such rows come from an operator's own import).
IMPORT_SOURCE = "import"
SNAPSHOT_WINDOW = datetime.timedelta(days=7)  # a flow's snapshot: the week ending that day
TABLE_WINDOW = datetime.timedelta(days=30)  # a flow in the Network table: the last 30 days

Counts = dict[int, int]
Counter = Callable[[SiteSet, datetime.datetime | None, datetime.datetime], Counts]


@dataclass(frozen=True)
class Measure:
    """`count(sites, since, until)`: {site id: count} for a flow between `since` and `until`,
    for a level at `until` (`since` is then None). `listing` names the admin listing it counts
    (links.py gives each user the link, where they may see it)."""

    slug: str
    label: str
    count: Counter
    flow: bool = False
    listing: str = ""

    def counts(self, sites: SiteSet, until: datetime.datetime, window=None) -> Counts:
        since = until - (window or SNAPSHOT_WINDOW) if self.flow else None
        counted = self.count(sites, since, until)
        return {site_id: counted.get(site_id, 0) for site_id in sites.ids}


def _by(rows, key: str) -> Counts:
    return {row[key]: row["n"] for row in rows if row[key] is not None}


def _in_window(field: str, since, until) -> Q:
    return Q(**{f"{field}__gt": since, f"{field}__lte": until})


# --- newsletter ---------------------------------------------------------------------------


def confirmed_subscribers(sites: SiteSet, since, until) -> Counts:
    """Subscriptions confirmed at `until`. From confirmed_at and unsubscribed_at: someone who
    unsubscribed and came back counts from their last confirmation only, and people erased
    from the lists are gone from the past too (their rows are deleted)."""
    stayed = Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gt=until)
    stayed |= Q(unsubscribed_at__lt=F("confirmed_at"))  # came back after unsubscribing
    # A confirmed subscription without its date (made by an import or by hand) counts always.
    joined = Q(confirmed_at__lte=until) | Q(
        confirmed_at__isnull=True, status=Subscription.Status.CONFIRMED
    )
    rows = (
        Subscription.objects.filter(
            joined,
            newsletter_list__site__in=sites.ids,
            status__in=[Subscription.Status.CONFIRMED, Subscription.Status.UNSUBSCRIBED],
        )
        .filter(stayed)
        .values("newsletter_list__site")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by(rows, "newsletter_list__site")


def _consent_records(sites: SiteSet, since, until, action: str, where: Q) -> Counts:
    rows = (
        ConsentRecord.objects.filter(
            _in_window("at", since, until),
            where,
            newsletter_list__site__in=sites.ids,
            action=action,
        )
        .values("newsletter_list__site")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by(rows, "newsletter_list__site")


FROM_PAGES = Q(source="", origin="")
FROM_IMPORT = Q(source=IMPORT_SOURCE)
FROM_WIDGET = ~FROM_PAGES & ~FROM_IMPORT


def signups_from(where: Q) -> Counter:
    """Confirmed signups (the consent record of the confirmation, which keeps where the person
    signed up: a member's widget gives its data-source and origin, our own pages neither)."""

    def count(sites: SiteSet, since, until) -> Counts:
        return _consent_records(sites, since, until, ConsentRecord.Action.CONFIRMED, where)

    return count


def unsubscribes(sites: SiteSet, since, until) -> Counts:
    return _consent_records(sites, since, until, ConsentRecord.Action.UNSUBSCRIBED, Q())


def bounces(sites: SiteSet, since, until) -> Counts:
    """Addresses suppressed for a site's list after a bounce or a complaint. A network-wide
    suppression names no list, so no site: those are not counted here."""
    rows = (
        Suppression.objects.filter(
            _in_window("created_at", since, until),
            newsletter_list__site__in=sites.ids,
            reason__in=[Suppression.Reason.BOUNCED, Suppression.Reason.COMPLAINED],
        )
        .values("newsletter_list__site")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by(rows, "newsletter_list__site")


# --- stories ------------------------------------------------------------------------------


def _stories(sites: SiteSet, *filters: Q) -> Counts:
    """Stories of each site, a story and its translations once."""
    rows = (
        Story.objects.filter(*filters, site__in=sites.ids)
        .values("site")
        .annotate(n=Count("translation_key", distinct=True))
        .order_by()
    )
    return _by(rows, "site")


def _consent_held(day: datetime.date, until) -> Q:
    withdrawn = Q(consent_withdrawn_at__isnull=True) | Q(consent_withdrawn_at__gt=until)
    return withdrawn & (Q(consent_expires_on__isnull=True) | Q(consent_expires_on__gt=day))


def stories_shared(sites: SiteSet, since, until) -> Counts:
    """Stories residents shared through a site's form."""
    return _stories(sites, _in_window("created_at", since, until), Q(source=Story.Source.RESIDENT))


def stories_published(sites: SiteSet, since, until) -> Counts:
    """Live stories with consent. The past is approximate: a story counts from its first
    publication if it is live now (one unpublished since is missing from the past)."""
    day = until.date()
    return _stories(sites, Q(live=True, first_published_at__lte=until), _consent_held(day, until))


def stories_lapsing(sites: SiteSet, since, until) -> Counts:
    """Stories whose consent ends within CONSENT_LAPSING_DAYS (the stories listing's "Expires
    within 30 days"): their editors should ask the resident again."""
    day = until.date()
    soon = day + datetime.timedelta(days=CONSENT_LAPSING_DAYS)
    return _stories(
        sites,
        Q(created_at__lte=until, consent_expires_on__lte=soon),
        _consent_held(day, until),
    )


# --- forms, join requests, pages ----------------------------------------------------------


def form_requests(sites: SiteSet, since, until) -> Counts:
    """Submissions of the sites' forms (volunteer, "have a chat"). Submissions are deleted
    after their retention period, so a back-filled past counts only those still kept."""
    rows = (
        FormSubmission.objects.filter(
            sites.in_trees("page__path"), _in_window("submit_time", since, until)
        )
        .annotate(site_id=sites.site_of_page("page__path"))
        .values("site_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by(rows, "site_id")


def join_requests_waiting(sites: SiteSet, since, until) -> Counts:
    """Organisations' requests to join the coalition not yet decided (the national site's)."""
    if sites.national_id is None:
        return {}
    waiting = JoinRequest.objects.filter(created_at__lte=until).filter(
        Q(decided_at__isnull=True) | Q(decided_at__gt=until)
    )
    return {sites.national_id: waiting.count()}


def pages_published(sites: SiteSet, since, until) -> Counts:
    """Pages of each site published in the window (any language), each once, from the pages'
    history (Wagtail's log of publish actions)."""
    rows = (
        PageLogEntry.objects.filter(
            sites.in_trees("page__path"),
            _in_window("timestamp", since, until),
            action="wagtail.publish",
        )
        .annotate(site_id=sites.site_of_page("page__path"))
        .values("site_id")
        .annotate(n=Count("page", distinct=True))
        .order_by()
    )
    return _by(rows, "site_id")


MEASURES = (
    Measure("subscribers", _("Subscribers"), confirmed_subscribers, listing="subscribers"),
    Measure("signups_page", _("Signups: site's pages"), signups_from(FROM_PAGES), True, "sources"),
    Measure("signups_widget", _("Signups: widget"), signups_from(FROM_WIDGET), True, "sources"),
    Measure("signups_import", _("Signups: import"), signups_from(FROM_IMPORT), True, "sources"),
    Measure("unsubscribes", _("Unsubscribes"), unsubscribes, True, "subscribers"),
    Measure("bounces", _("Bounces and complaints"), bounces, True, "subscribers"),
    Measure("stories_shared", _("Stories shared"), stories_shared, True, "stories_shared"),
    Measure("stories_published", _("Stories published"), stories_published, False, "stories_live"),
    Measure("stories_lapsing", _("Consent lapsing"), stories_lapsing, False, "stories_lapsing"),
    Measure("requests", _("Volunteer and chat requests"), form_requests, True, "forms"),
    Measure("join_requests", _("Join requests waiting"), join_requests_waiting, False, "join"),
    Measure("pages_published", _("Pages published"), pages_published, True, "pages"),
)


def all_measures() -> list[Measure]:
    """The built-in measures, then those other apps register (``register_network_measures``)."""
    measures = list(MEASURES)
    for fn in hooks.get_hooks(MEASURES_HOOK):
        measures.extend(fn())
    return measures


def measure_by_slug(slug: str) -> Measure | None:
    return next((measure for measure in all_measures() if measure.slug == slug), None)


def count_all(
    measures: Iterable[Measure], sites: SiteSet, until: datetime.datetime, window=None
) -> dict[str, Counts]:
    """{measure slug: {site id: count}}: one query per measure."""
    return {measure.slug: measure.counts(sites, until, window) for measure in measures}
