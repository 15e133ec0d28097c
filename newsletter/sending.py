"""Rendering and sending newsletter issues: the services behind newsletter/tasks.py, the
admin's email preview and the send_newsletter command.

How a send goes (each step is safe to run twice, and a crash at any point loses nothing):

1. ``queue_send`` makes the issue's one Send (or moves a scheduled one on), by a conditional
   update: two "send now" make one Send.
2. ``begin_send`` moves it queued → sending and, in the same transaction, renders the issue once
   per language (Rendering rows) and records one Delivery per confirmed, non-suppressed
   subscription, in chunks, ``ON CONFLICT DO NOTHING``: the deliveries appear all at once with
   the status, or not at all, and running it again adds nothing.
3. ``send_next_batch`` claims up to NEWSLETTER_BATCH_SIZE due rows (``FOR UPDATE SKIP LOCKED``
   on PostgreSQL, so workers never wait on each other), sends them over one SMTP connection
   and marks each sent right after the server accepted it, by an UPDATE that holds only while
   the row is still claimed with this batch's token. While it sends it keeps a heartbeat on its
   rows (so the sweep never takes back a live batch) and re-reads who unsubscribed.
4. ``sweep`` (beat) puts back claims whose heartbeat stopped (a dead worker), starts scheduled
   sends that are due, restarts sends whose batch tasks were lost, and closes finished sends.

The admin's email preview uses ``render_issue`` and ``fill_links``.
"""

import logging
import random
import re
import secrets
import smtplib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from enum import StrEnum
from html import escape
from html.parser import HTMLParser
from itertools import islice
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.coreutils import get_dummy_request
from wagtail.models import Locale, Site
from wagtail.rich_text import expand_db_html

from .models import (
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Rendering,
    Send,
    Subscription,
    Suppression,
    email_hash,
)
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)

Status = Send.Status
Row = Delivery.Status

# Personal links, left in the rendering and filled per recipient by build_message().
PREFERENCES_PLACEHOLDER = "%%NEWSLETTER_PREFERENCES_URL%%"
UNSUBSCRIBE_PLACEHOLDER = "%%NEWSLETTER_UNSUBSCRIBE_URL%%"

RECORD_CHUNK = 2000  # subscriptions read and deliveries inserted per round trip
CHECKPOINT_SECONDS = 1.0  # a batch refreshes its claims and re-reads unsubscribes this often
EMAIL_IMAGE_RENDITION = "width-1200"  # shown at 600 px: sharp on high-density screens
EMAIL_IMAGE_WIDTH = 600


# --- settings (read when used, so a test or a worker's environment can change them) ---------


def batch_size() -> int:
    return max(1, settings.NEWSLETTER_BATCH_SIZE)


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)


def concurrent_batches() -> int:
    """Batch tasks kept in flight per send: enough for every worker process to take one."""
    return max(1, settings.NEWSLETTER_CONCURRENT_BATCHES)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter after the attempts-th temporary failure: base·2^(n-1),
    capped, then a random point in its upper half so retries from one outage spread out.
    The base defaults to the sweep period: a retry is never due much sooner than a sweep."""
    base = settings.NEWSLETTER_RETRY_BASE_SECONDS
    cap = settings.NEWSLETTER_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(delay / 2, delay))


def stalled_after() -> timedelta:
    """A sending send with due rows and no claim for this long has lost its batch tasks."""
    return timedelta(seconds=2 * settings.NEWSLETTER_SWEEP_SECONDS)


def sender_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def unsubscribe_mailbox() -> str:
    return settings.NEWSLETTER_UNSUBSCRIBE_EMAIL or sender_address()


# --- rendering ------------------------------------------------------------------------------


class RenderedIssue(NamedTuple):
    subject: str
    html: str
    text: str


@dataclass
class EmailBlock:
    """One StreamField block made ready for the email templates: links absolute, rich text
    also as plain text, images as renditions."""

    type: str
    value: object
    data: dict = field(default_factory=dict)

    @property
    def html_template(self) -> str:
        return f"newsletter/email/blocks/{self.type}.html"

    @property
    def text_template(self) -> str:
        return f"newsletter/email/blocks/{self.type}.txt"


def issue_site(issue: NewsletterIssuePage) -> Site:
    """The site an issue belongs to (a preview of an unsaved page falls back to the default)."""
    site = issue.get_site() if issue.pk or issue.path else None
    return site or Site.objects.get(is_default_site=True)


def issue_in_language(issue: NewsletterIssuePage, language: str) -> NewsletterIssuePage:
    """The issue's translation into `language` if it has a live one, else the issue itself."""
    if not issue.pk or issue.locale.language_code == language:
        return issue
    locale = Locale.objects.filter(language_code=language).first()
    translation_page = issue.get_translation_or_none(locale) if locale else None
    if translation_page is not None and translation_page.live:
        return translation_page.specific
    return issue


def absolute(url: str, root_url: str) -> str:
    """Links in an email must be absolute: /path becomes the site's own URL."""
    if url.startswith("/") and not url.startswith("//"):
        return root_url.rstrip("/") + url
    return url


_RELATIVE_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def absolutise_html(html: str, root_url: str) -> str:
    root = root_url.rstrip("/")
    return _RELATIVE_ATTRIBUTE.sub(lambda match: f'{match[1]}{root}{match[2]}"', html)


class _TextExtractor(HTMLParser):
    """Rich text to readable plain text: paragraphs and headings apart, list items dashed,
    each link followed by its address."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "figure"}

    def __init__(self, root_url: str):
        super().__init__(convert_charrefs=True)
        self.root_url = root_url
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            url = absolute(href, self.root_url)
            if url and not url.startswith("#") and url != label:
                self.parts.append(f" ({url})")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str, root_url: str = "") -> str:
    extractor = _TextExtractor(root_url)
    extractor.feed(html)
    extractor.close()
    return extractor.text()


def _link_url(page, url: str, request) -> str:
    if page is not None:
        page = page.specific
        return page.localized.get_full_url(request) or ""
    return url or ""


def _image_data(image, root_url: str) -> dict:
    rendition = image.get_rendition(EMAIL_IMAGE_RENDITION)
    scale = min(1.0, EMAIL_IMAGE_WIDTH / rendition.width) if rendition.width else 1.0
    return {
        "url": absolute(rendition.url, root_url),
        "width": round(rendition.width * scale),
        "height": round(rendition.height * scale),
    }


def email_block(block, request, root_url: str) -> EmailBlock | None:
    """Prepare one block of the issue's body for the email templates."""
    kind, value = block.block_type, block.value
    if kind == "heading":
        return EmailBlock(kind, value, {"text": value["text"], "level": value["level"]})
    if kind == "paragraph":
        html = absolutise_html(expand_db_html(value.source), root_url)
        return EmailBlock(kind, value, {"html": html, "text": html_to_text(html, root_url)})
    if kind == "image":
        image = value["image"]
        if image is None:
            return None
        data = _image_data(image, root_url)
        data.update(
            alt="" if getattr(image, "decorative", False) else image.contextual_alt_text,
            caption=value["caption"],
            credit=value["credit"],
        )
        return EmailBlock(kind, value, data)
    if kind == "call_to_action":
        url = _link_url(value["page"], value["url"], request)
        if not url:
            return None
        return EmailBlock(kind, value, {"label": value["label"], "url": url})
    if kind == "news_links":
        links = []
        for link in value["links"]:
            url = _link_url(link["page"], link["url"], request)
            title = link["title"] or (link["page"].title if link["page"] else url)
            if url:
                links.append({"title": title, "url": url, "summary": link["summary"]})
        return EmailBlock(kind, value, {"heading": value["heading"], "links": links})
    if kind == "featured_stories":
        stories = []
        for story, url in block.block.story_links(value, request):
            stories.append(
                {
                    "title": story.title,
                    "url": absolute(url, root_url),
                    "quote": story.quote,
                    "attribution": story.attribution,
                    "town": story.town,
                    "image": _image_data(story.image, root_url) if story.image else None,
                    "image_alt": story.image_alt,
                }
            )
        if not stories:
            return None
        return EmailBlock(kind, value, {"heading": value["heading"], "stories": stories})
    # A block type added later without an email template: its web rendering, made absolute.
    html = absolutise_html(str(block.render(context={"request": request})), root_url)
    return EmailBlock("fallback", value, {"html": html, "text": html_to_text(html, root_url)})


def render_issue(issue: NewsletterIssuePage, language: str, request=None) -> RenderedIssue:
    """The issue as an email in `language`: subject, HTML and plain text, with the personal
    links left as placeholders (see fill_links and build_message).

    Rendered as seen from the issue's own site (links, featured stories), whatever host
    `request` (the admin's, for a preview) came from; `request` is not otherwise used.
    """
    site = issue_site(issue)
    page = issue_in_language(issue, language)
    root_url = site.root_url
    site_request = get_dummy_request(site=site)
    site_request._wagtail_site = site  # no host lookup: the request is the site's by definition
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    list_name = newsletter_list.name if newsletter_list else (site.site_name or site.hostname)
    with translation.override(language):
        blocks = [email_block(block, site_request, root_url) for block in page.body]
        context = {
            "language": language,
            "subject": page.subject,
            "preheader": page.preheader,
            "title": page.title,
            "blocks": [block for block in blocks if block is not None],
            "list_name": list_name,
            "site_name": site.site_name or site.hostname,
            "site_url": root_url,
            "web_url": page.get_full_url(site_request) if page.live else "",
            "preferences_url": PREFERENCES_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        }
        html = render_to_string("newsletter/email/issue.html", context)
        text = render_to_string("newsletter/email/issue.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return RenderedIssue(one_line(page.subject), absolutise_html(html, root_url), text)


def fill_links(rendered, *, preferences_url: str, unsubscribe_url: str) -> RenderedIssue:
    """Put the personal links into a rendering (a Rendering row or a RenderedIssue); the
    admin's preview can pass any URLs it likes."""
    html = rendered.html.replace(PREFERENCES_PLACEHOLDER, escape(preferences_url)).replace(
        UNSUBSCRIBE_PLACEHOLDER, escape(unsubscribe_url)
    )
    text = rendered.text.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
        UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
    )
    return RenderedIssue(rendered.subject, html, text)


def site_link(site: Site, path: str) -> str:
    return site.root_url.rstrip("/") + path


def personal_links(delivery: Delivery, site: Site) -> tuple[str, str, str]:
    """(preferences URL, unsubscribe URL, unsubscribe token) of one delivery's recipient."""
    subscription = delivery.subscription
    token = unsubscribe_token(subscription.pk)
    preferences = site_link(
        site, reverse("newsletter:preferences", args=[subscription.subscriber.token])
    )
    unsubscribe = site_link(site, reverse("newsletter:unsubscribe", args=[token]))
    return preferences, unsubscribe, token


# --- the message ----------------------------------------------------------------------------


def one_line(value: str) -> str:
    """Editor-written words in a header (list name, sender name, subject): one line, so never a
    header of their own."""
    return " ".join(str(value).split())


def list_id(newsletter_list: NewsletterList) -> str:
    """RFC 2919: "<name>" <list-<id>.<site hostname>>; the same for every issue of the list."""
    name = one_line(newsletter_list.name).replace("\\", "").replace('"', "")
    return f'"{name}" <list-{newsletter_list.pk}.{newsletter_list.site.hostname}>'


def message_id(send: Send, delivery: Delivery) -> str:
    """Stable: a copy sent again after a crash has the same Message-ID, so mail systems that
    keep them can drop the duplicate."""
    return f"<newsletter.{send.pk}.{delivery.pk}@{send.newsletter_list.site.hostname}>"


def from_header(newsletter_list: NewsletterList) -> str:
    name = one_line(newsletter_list.from_name or newsletter_list.name)
    return formataddr((name, sender_address())) if name else sender_address()


def build_message(
    send: Send, rendering, delivery: Delivery, connection=None
) -> EmailMultiAlternatives:
    """The email of one delivery: text and HTML parts, one-click unsubscribe (RFC 8058),
    List-Id and a stable Message-ID."""
    newsletter_list = send.newsletter_list
    site = newsletter_list.site
    preferences, unsubscribe, token = personal_links(delivery, site)
    copy = fill_links(rendering, preferences_url=preferences, unsubscribe_url=unsubscribe)
    mailto = f"mailto:{unsubscribe_mailbox()}?subject={quote('unsubscribe ' + token)}"
    name = one_line(delivery.subscription.name)  # the name given to this list's site
    message = EmailMultiAlternatives(
        subject=copy.subject,
        body=copy.text,
        from_email=from_header(newsletter_list),
        to=[formataddr((name, delivery.email)) if name else delivery.email],
        reply_to=[newsletter_list.reply_to] if newsletter_list.reply_to else None,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(newsletter_list),
            "Message-ID": message_id(send, delivery),
            "Precedence": "bulk",
        },
        connection=connection,
    )
    message.attach_alternative(copy.html, "text/html")
    return message


# --- queueing and starting ------------------------------------------------------------------


class AlreadySent(Exception):
    """Another language version of this issue already has a send: one issue, one mailing."""


@dataclass
class QueueOutcome:
    send: Send
    changed: bool


def publish_for_archive(issue: NewsletterIssuePage, user=None) -> None:
    """What is mailed is the latest revision, and it goes in the site's archive."""
    if issue.live and not issue.has_unpublished_changes:
        return
    revision = issue.get_latest_revision() or issue.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)


def queue_send(
    issue: NewsletterIssuePage, *, requested_by=None, scheduled_for: datetime | None = None
) -> QueueOutcome:
    """Send now (scheduled_for None) or schedule: the issue's one Send is created once (a
    racing second create meets the unique key and gets the first's row), and an existing one
    moves on only from scheduled, by a conditional UPDATE. Enqueueing is the caller's."""
    newsletter_list = NewsletterList.for_site(issue_site(issue))
    status = Status.SCHEDULED if scheduled_for else Status.QUEUED
    with transaction.atomic():
        others = Send.objects.filter(issue__translation_key=issue.translation_key)
        if others.exclude(issue=issue).exists():
            raise AlreadySent(issue.pk)
        send, created = Send.objects.get_or_create(
            issue=issue,
            defaults={
                "newsletter_list": newsletter_list,
                "status": status,
                "scheduled_for": scheduled_for,
                "requested_by": requested_by,
            },
        )
        changed = created or bool(
            Send.objects.filter(pk=send.pk, status=Status.SCHEDULED).update(
                status=status, scheduled_for=scheduled_for
            )
        )
        if changed:
            send.refresh_from_db()
            publish_for_archive(issue, requested_by)
    return QueueOutcome(send, changed)


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def delivery_language(language: str) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def record_deliveries(send: Send) -> int:
    """One queued Delivery per confirmed, non-suppressed subscription of the send's list (an
    address suppressed network-wide or for this list), inserted in chunks from an iterator
    (memory does not grow with the list) with ON CONFLICT DO NOTHING: a second run adds only
    subscriptions confirmed since."""
    confirmed = (
        Subscription.objects.filter(
            newsletter_list_id=send.newsletter_list_id, status=Subscription.Status.CONFIRMED
        )
        .order_by("pk")
        .values_list("pk", "subscriber__email", "subscriber__language")
    )
    any_suppressed = Suppression.applying_to(send.newsletter_list_id).exists()
    for chunk in _chunks(confirmed.iterator(chunk_size=RECORD_CHUNK), RECORD_CHUNK):
        hashes = {pk: email_hash(email) for pk, email, _language in chunk} if any_suppressed else {}
        suppressed = (
            Suppression.suppressed_hashes(send.newsletter_list_id, hashes.values())
            if hashes
            else set()
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    send_id=send.pk,
                    subscription_id=pk,
                    email=email,
                    language=delivery_language(language),
                )
                for pk, email, language in chunk
                if email and hashes.get(pk) not in suppressed
            ],
            ignore_conflicts=True,
        )
    return Delivery.objects.filter(send_id=send.pk).count()


def _lock_startable(send_id: int) -> Send | None:
    """The send, locked, if it may start now: queued, or scheduled and due. Another start
    holding the lock means the send is being started: skip it rather than wait."""
    now = timezone.now()
    startable = Send.objects.filter(pk=send_id).filter(
        Q(status=Status.QUEUED) | Q(status=Status.SCHEDULED, scheduled_for__lte=now)
    )
    if db_connection.features.has_select_for_update_skip_locked:
        # Only the send's row: never the site's or the page's, which editors may be saving.
        startable = startable.select_for_update(skip_locked=True, of=("self",))
    return startable.select_related("newsletter_list__site", "issue").first()


def begin_send(send_id: int) -> int | None:
    """queued (or due scheduled) → sending, with its renderings and deliveries, in one
    transaction. Returns the number of recipients, or None if this call did not start it
    (already started, not due, paused...). A rendering error leaves the send paused with the
    reason, for an editor to fix the issue and resume."""
    try:
        with transaction.atomic():
            send = _lock_startable(send_id)
            if send is None:
                return None
            recipients = record_deliveries(send)
            languages = (
                Delivery.objects.filter(send_id=send.pk)
                .values_list("language", flat=True)
                .distinct()
                .order_by()
            )
            issue = send.issue.specific
            for language in languages:
                if not Rendering.objects.filter(send=send, language=language).exists():
                    rendered = render_issue(issue, language)
                    Rendering.objects.create(
                        send=send,
                        language=language,
                        subject=rendered.subject[:255],
                        html=rendered.html,
                        text=rendered.text,
                    )
            updated = Send.objects.filter(pk=send.pk, status=send.status).update(
                status=Status.SENDING,
                started_at=timezone.now(),
                recipients=recipients,
                paused_reason="",
            )
            if not updated:  # only possible without row locks (SQLite): another start won
                transaction.set_rollback(True)
                return None
    except Exception as exc:
        logger.exception("Could not start send %s", send_id)
        Send.objects.filter(pk=send_id, status__in=[Status.QUEUED, Status.SCHEDULED]).update(
            status=Status.PAUSED,
            paused_reason=f"The issue could not be prepared for sending ({exc}). Fix the "
            "issue and resume the send.",
        )
        return None
    if recipients >= RECORD_CHUNK:
        refresh_planner_statistics()
    logger.info("Send %s started: %s recipients", send_id, recipients)
    return recipients


def refresh_planner_statistics() -> None:
    """ANALYZE the deliveries once a send's rows are in (PostgreSQL). With statistics from
    before they were inserted, the planner expects one row for the new send and claims through
    the send_id index, walking every row of the send: measured 25-35 ms per claim at 100,000
    recipients, against 0.1-5 ms through the (send, status, not_before) index. Autovacuum
    would get there too, a minute or so later."""
    if db_connection.vendor != "postgresql":
        return
    try:
        with db_connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{Delivery._meta.db_table}"')
    except DatabaseError:
        logger.warning("Could not ANALYZE the deliveries table", exc_info=True)


def batches_to_enqueue(send_id: int) -> int:
    """How many batch tasks to put in flight: one per due batch, up to concurrent_batches()."""
    due = _due(send_id).count()
    return min(concurrent_batches(), -(-due // batch_size()))


# --- sending one batch ----------------------------------------------------------------------


class Stop(StrEnum):
    """Why a batch ended before its last row."""

    PAUSED = "paused"  # the mail server refused our credentials or sender: the send is paused
    UNAVAILABLE = "unavailable"  # could not reach the mail server: rows released with a delay
    CLAIM_LOST = "claim_lost"  # our claims were taken back (we stalled past the claim timeout)
    NOT_SENDING = "not_sending"  # the send is paused, cancelled or finished


@dataclass
class BatchOutcome:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    stopped: Stop | None = None
    more: bool = False  # due rows are left and the send goes on: hand over to a next batch
    finished: bool = False  # this batch closed the send


def _due(send_id: int, now: datetime | None = None):
    now = now or timezone.now()
    return Delivery.objects.filter(send_id=send_id, status=Row.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def claim_batch(send_id: int, size: int | None = None) -> tuple[str, list[int]]:
    """Claim up to `size` due rows for this batch: (claim token, their ids).

    On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so concurrent batches take
    different rows without waiting; elsewhere the conditional UPDATE alone decides (each row
    goes to one claimer), which is enough for SQLite's one writer at a time."""
    token = secrets.token_hex(16)
    now = timezone.now()
    due = _due(send_id, now)
    with transaction.atomic():
        if db_connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # In the (send, status, not_before) index's order: retries that are due come first.
        ids = list(due.order_by("not_before").values_list("pk", flat=True)[: size or batch_size()])
        if not ids:
            return token, []
        Delivery.objects.filter(pk__in=ids, status=Row.QUEUED).update(
            status=Row.CLAIMED, claim_token=token, claimed_at=now
        )
    claimed = list(
        Delivery.objects.filter(pk__in=ids, claim_token=token, status=Row.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return token, claimed


class _Batch:
    """The rows one batch task holds, identified by their claim token. Every change to a row
    is an UPDATE that holds only while this batch still owns it."""

    def __init__(self, send: Send, token: str, ids: list[int]):
        self.send = send
        self.token = token
        self.remaining = list(ids)
        self.outcome = BatchOutcome(claimed=len(ids))
        self.last_checkpoint = time.monotonic()

    def mine(self, ids):
        return Delivery.objects.filter(pk__in=ids, claim_token=self.token, status=Row.CLAIMED)

    def rows(self) -> list[Delivery]:
        return list(
            self.mine(self.remaining).select_related("subscription__subscriber").order_by("pk")
        )

    def done(self, delivery: Delivery) -> None:
        self.remaining.remove(delivery.pk)

    def mark_sent(self, delivery: Delivery) -> bool:
        updated = self.mine([delivery.pk]).update(
            status=Row.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
        self.done(delivery)
        if updated:
            self.outcome.sent += 1
        return bool(updated)

    def skip(self, ids: list[int], reason: str) -> None:
        if ids:
            self.outcome.skipped += self.mine(ids).update(status=Row.SKIPPED, last_error=reason)
            gone = set(ids)
            self.remaining = [pk for pk in self.remaining if pk not in gone]

    def fail(self, delivery: Delivery, error: str) -> None:
        self.outcome.failed += self.mine([delivery.pk]).update(
            status=Row.FAILED, attempts=F("attempts") + 1, last_error=error[:500]
        )
        self.done(delivery)

    def retry(self, delivery: Delivery, error: str) -> None:
        """A temporary failure: back in the queue after a backoff, or failed after the last
        allowed attempt."""
        attempts = delivery.attempts + 1
        if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            self.fail(delivery, f"Gave up after {attempts} attempts: {error}")
            return
        self.outcome.retried += self.mine([delivery.pk]).update(
            status=Row.QUEUED,
            attempts=attempts,
            not_before=timezone.now() + retry_delay(attempts),
            last_error=error[:500],
            claim_token="",
        )
        self.done(delivery)

    def release(self, delay: timedelta | None = None) -> None:
        """Hand every row still held back to the queue (not counted as an attempt)."""
        if self.remaining:
            self.mine(self.remaining).update(
                status=Row.QUEUED,
                claim_token="",
                not_before=timezone.now() + delay if delay else None,
            )
            self.remaining = []

    def checkpoint(self, force: bool = False) -> bool:
        """About once a second: refresh the claims (the heartbeat that tells the sweep this
        batch is alive) and skip rows whose subscription ended meanwhile. False if the claims
        were taken back: the sweep decided this batch was dead, the rows are someone else's."""
        if not force and time.monotonic() - self.last_checkpoint < CHECKPOINT_SECONDS:
            return True
        self.last_checkpoint = time.monotonic()
        if not self.remaining:
            return True
        refreshed = self.mine(self.remaining).update(claimed_at=timezone.now())
        if refreshed < len(self.remaining):
            held = set(self.mine(self.remaining).values_list("pk", flat=True))
            logger.warning(
                "Send %s: %d claimed rows were taken back from batch %s",
                self.send.pk,
                len(self.remaining) - len(held),
                self.token,
            )
            self.remaining = [pk for pk in self.remaining if pk in held]
            if not held:
                return False
        ended = list(
            self.mine(self.remaining)
            .filter(
                Q(subscription__isnull=True)
                | ~Q(subscription__status=Subscription.Status.CONFIRMED)
            )
            .values_list("pk", flat=True)
        )
        self.skip(ended, "unsubscribed")
        return True


class _Classified(NamedTuple):
    action: str  # "retry", "reconnect", "bounce", "fail" or "pause"
    message: str


def classify(exc: BaseException) -> _Classified:
    """What an SMTP error means for the row (and the rest of the batch)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _Classified("pause", _smtp_text(exc))
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # e.g. a login the server does not offer
        return _Classified("pause", str(exc))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _Classified("pause" if exc.smtp_code >= 500 else "retry", _smtp_text(exc))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (451, b""))
        message = f"{code} {_decode(text)}"
        return _Classified("bounce" if 500 <= code < 600 else "retry", message)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _Classified("reconnect", f"connection lost: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        if 500 <= exc.smtp_code < 600:
            return _Classified("bounce", _smtp_text(exc))
        return _Classified("reconnect" if exc.smtp_code == 421 else "retry", _smtp_text(exc))
    if isinstance(exc, OSError):  # ConnectionError, TimeoutError and other socket errors
        return _Classified("reconnect", f"{type(exc).__name__}: {exc}")
    # Not from the network: the email itself cannot be made (an address or header that does
    # not encode...). Trying again would fail the same way.
    return _Classified("fail", f"Could not build the email: {type(exc).__name__}: {exc}")


def _decode(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_decode(exc.smtp_error)}"


def _pause(send: Send, reason: str) -> None:
    Send.objects.filter(pk=send.pk, status=Status.SENDING).update(
        status=Status.PAUSED, paused_reason=reason
    )
    logger.error("Send %s paused: %s", send.pk, reason)


def _pause_reason(exc: BaseException, message: str) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server refused our login ({message}). Check the SMTP user and password "
            "(EMAIL_URL), then resume the send. Nothing was lost: the remaining emails wait."
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused the sender address {sender_address()} ({message}). Check "
            "DEFAULT_FROM_EMAIL and the server's settings, then resume the send. Nothing was "
            "lost: the remaining emails wait."
        )
    return (
        f"The mail server refused this send ({message}). Check the mail settings "
        "(EMAIL_URL), then resume the send. Nothing was lost: the remaining emails wait."
    )


class _Mailer:
    """One SMTP connection for the batch, opened once and reopened after a drop."""

    def __init__(self):
        self.connection = None

    def open(self):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # the connection is already broken: nothing left to close
                logger.debug("closing a broken SMTP connection", exc_info=True)
            self.connection = None


def _suppressed_ids(send: Send, rows: list[Delivery]) -> list[int]:
    """The rows whose address was suppressed (network-wide or for this list) since recording."""
    hashes = {row.pk: email_hash(row.email) for row in rows if row.email}
    found = Suppression.suppressed_hashes(send.newsletter_list_id, hashes.values())
    return [pk for pk, value in hashes.items() if value in found]


def _not_wanted(rows: list[Delivery]) -> list[int]:
    return [
        row.pk
        for row in rows
        if row.subscription is None
        or row.subscription.status != Subscription.Status.CONFIRMED
        or not row.email
    ]


def send_next_batch(send_id: int) -> BatchOutcome:
    """Claim one batch of the send's due rows and send it. See the module docstring."""
    send = Send.objects.select_related("newsletter_list__site").filter(pk=send_id).first()
    if send is None or send.status != Status.SENDING:
        return BatchOutcome(stopped=Stop.NOT_SENDING)
    token, ids = claim_batch(send_id)
    batch = _Batch(send, token, ids)
    if ids:
        _send_rows(send, batch)
    outcome = batch.outcome
    if outcome.stopped is None:
        outcome.more = _due(send_id).exists()
    outcome.finished = finish_if_done(send_id)
    return outcome


def _send_rows(send: Send, batch: _Batch) -> None:
    rows = batch.rows()
    batch.skip(_not_wanted(rows), "unsubscribed")
    batch.skip(_suppressed_ids(send, rows), "suppressed")
    renderings = {rendering.language: rendering for rendering in send.renderings.all()}
    if not renderings:
        _pause(send, "The issue was never rendered for this send. Resume it to prepare it again.")
        batch.release()
        batch.outcome.stopped = Stop.PAUSED
        return
    mailer = _Mailer()
    try:
        try:
            mailer.open()
        except Exception as exc:
            _connection_failed(send, batch, exc)
            return
        for delivery in rows:
            if delivery.pk not in batch.remaining:
                continue
            if not batch.checkpoint():
                batch.outcome.stopped = Stop.CLAIM_LOST
                return
            if delivery.pk not in batch.remaining:  # unsubscribed during the batch
                continue
            rendering = renderings.get(delivery.language) or next(iter(renderings.values()))
            try:
                build_message(send, rendering, delivery, mailer.connection).send()
            except Exception as exc:
                if _delivery_failed(send, batch, mailer, delivery, exc):
                    return
                continue
            if not batch.mark_sent(delivery):
                # Sent, but the row was no longer ours: the sweep took the batch back while
                # we were stuck, so another batch may send it too. Stop here.
                logger.warning(
                    "Send %s: delivery %s sent after its claim was lost", send.pk, delivery.pk
                )
                batch.outcome.stopped = Stop.CLAIM_LOST
                return
    finally:
        mailer.close()
        if batch.remaining:  # whatever stopped us early, nothing stays claimed by us
            batch.release()


def _connection_failed(send: Send, batch: _Batch, exc: Exception) -> None:
    action, message = classify(exc)
    if action in ("pause", "fail"):  # refused login, or a mail setting that cannot work
        _pause(send, _pause_reason(exc, message))
        batch.release()
        batch.outcome.stopped = Stop.PAUSED
        return
    logger.warning("Send %s: cannot reach the mail server: %s", send.pk, message)
    batch.release(delay=retry_delay(1))
    batch.outcome.stopped = Stop.UNAVAILABLE


def _delivery_failed(
    send: Send, batch: _Batch, mailer: _Mailer, delivery: Delivery, exc: Exception
) -> bool:
    """Deal with one failed delivery; True if the batch must stop."""
    action, message = classify(exc)
    if action == "pause":
        _pause(send, _pause_reason(exc, message))
        batch.release()
        batch.outcome.stopped = Stop.PAUSED
        return True
    if action == "bounce":
        batch.fail(delivery, message)
        Suppression.suppress(delivery.email, Suppression.Reason.BOUNCED)
        return False
    if action == "fail":
        logger.exception("Send %s: delivery %s cannot be sent", send.pk, delivery.pk)
        batch.fail(delivery, message)
        return False
    batch.retry(delivery, message)
    if action == "reconnect":
        mailer.close()
        try:
            mailer.open()
        except Exception as reopen_exc:
            _connection_failed(send, batch, reopen_exc)
            return True
    return False


def finish_if_done(send_id: int) -> bool:
    """sending → sent once no row is queued or claimed; True if this call did it."""
    if Delivery.objects.filter(send_id=send_id, status__in=[Row.QUEUED, Row.CLAIMED]).exists():
        return False
    return bool(
        Send.objects.filter(pk=send_id, status=Status.SENDING).update(
            status=Status.SENT, finished_at=timezone.now()
        )
    )


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepReport:
    requeued: int = 0  # claims of dead batches put back
    failed: int = 0  # ... or failed, having used up their attempts
    to_start: list[int] = field(default_factory=list)  # sends to (re)start
    to_resume: dict[int, int] = field(default_factory=dict)  # send → batch tasks to enqueue
    finished: list[int] = field(default_factory=list)


def requeue_stale_claims(now: datetime | None = None) -> tuple[int, int]:
    """Claims whose heartbeat stopped for NEWSLETTER_CLAIM_TIMEOUT belong to a dead worker:
    back to the queue, counting the interrupted try as an attempt (a row that kills its worker
    every time must end failed, not loop)."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=Row.CLAIMED, claimed_at__lt=now - claim_timeout())
    failed = stale.filter(attempts__gte=settings.NEWSLETTER_MAX_ATTEMPTS - 1).update(
        status=Row.FAILED,
        attempts=F("attempts") + 1,
        claim_token="",
        last_error="Gave up: the worker sending it stopped responding too many times",
    )
    requeued = stale.update(
        status=Row.QUEUED,
        attempts=F("attempts") + 1,
        claim_token="",
        not_before=None,
        last_error="Taken back from a worker that stopped responding",
    )
    if requeued or failed:
        logger.warning("Sweep: %d stale claims requeued, %d failed", requeued, failed)
    return requeued, failed


def sweep() -> SweepReport:
    """The periodic sweep's work on the database; the task enqueues what it reports."""
    now = timezone.now()
    report = SweepReport()
    report.requeued, report.failed = requeue_stale_claims(now)
    # Due scheduled sends, and queued ones whose start task was lost (the broker was down).
    report.to_start = list(
        Send.objects.filter(
            Q(status=Status.SCHEDULED, scheduled_for__lte=now) | Q(status=Status.QUEUED)
        ).values_list("pk", flat=True)
    )
    stalled_since = now - stalled_after()
    for send_id in Send.objects.filter(status=Status.SENDING).values_list("pk", flat=True):
        if finish_if_done(send_id):
            report.finished.append(send_id)
            continue
        if not _due(send_id, now).exists():
            continue  # rows in backoff: a later sweep
        if Delivery.objects.filter(send_id=send_id, claimed_at__gte=stalled_since).exists():
            continue  # batches are at work
        report.to_resume[send_id] = batches_to_enqueue(send_id)
    return report


# --- numbers --------------------------------------------------------------------------------


@dataclass
class Counts:
    queued: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.claimed + self.sent + self.failed + self.skipped

    @property
    def remaining(self) -> int:
        return self.queued + self.claimed

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped


def delivery_counts(send_ids: Iterable[int]) -> dict[int, Counts]:
    """Delivery counts of many sends in one grouped query."""
    counts: dict[int, Counts] = {}
    rows = (
        Delivery.objects.filter(send_id__in=list(send_ids))
        .values("send_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        setattr(counts.setdefault(row["send_id"], Counts()), row["status"], row["n"])
    return counts


# --- a test email ---------------------------------------------------------------------------


def proof_message(issue: NewsletterIssuePage, address: str) -> EmailMultiAlternatives:
    """The issue as its subscribers will get it, to one address, marked as a test; its personal
    links lead to the site's newsletter page (a test recipient has no subscription)."""
    site = issue_site(issue)
    newsletter_list = NewsletterList.for_site(site)
    language = issue.locale.language_code
    rendered = render_issue(issue, language)
    index = NewsletterIndexPage.objects.filter(path__startswith=site.root_page.path).first()
    landing = (index.get_full_url() if index else "") or site.root_url
    copy = fill_links(rendered, preferences_url=landing, unsubscribe_url=landing)
    message = EmailMultiAlternatives(
        subject=f"[Test] {copy.subject}",
        body=copy.text,
        from_email=from_header(newsletter_list),
        to=[address],
        reply_to=[newsletter_list.reply_to] if newsletter_list.reply_to else None,
        headers={"List-Id": list_id(newsletter_list)},
    )
    message.attach_alternative(copy.html, "text/html")
    return message
