"""python manage.py send_newsletter ISSUE_ID: send an issue to its site's list, as the admin's
"Send now" does, and follow it with a progress bar (on a terminal) or plain lines."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from cms.core.queue import enqueue
from newsletter import tasks
from newsletter.models import Delivery, NewsletterIssuePage, Send
from newsletter.pipeline.batch import Stop, send_next_batch
from newsletter.pipeline.counts import Counts, delivery_counts
from newsletter.pipeline.queueing import AlreadySent, EmptyIssue, begin_send, queue_send
from newsletter.pipeline.sweep import requeue_stale_claims

POLL_SECONDS = 0.5
LINE_EVERY_SECONDS = 5.0  # plain output: at most one progress line this often
BAR_WIDTH = 30


class ProgressPrinter:
    """A bar redrawn in place on a terminal; elsewhere (logs, pipes) a line every few seconds
    and one at the end."""

    def __init__(self, stdout, tty: bool):
        self.stdout = stdout
        self.tty = tty
        self.last_line_at = 0.0
        self.last_done = -1

    def show(self, counts: Counts, final: bool = False) -> None:
        done = counts.done
        total = counts.total
        summary = (
            f"{done}/{total} done: {counts.sent} sent, {counts.failed} failed, "
            f"{counts.skipped} skipped, {counts.remaining} remaining"
        )
        if self.tty:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            percent = 100 * done // total if total else 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(f"\r[{bar}] {percent:3d}% {summary}", ending="\n" if final else "")
            self.stdout.flush()
            return
        now = time.monotonic()
        if final or (done != self.last_done and now - self.last_line_at >= LINE_EVERY_SECONDS):
            self.stdout.write(summary)
            self.last_line_at = now
            self.last_done = done


class Command(BaseCommand):
    help = (
        "Send a newsletter issue to its site's list (once: an issue already sending or sent "
        "is only followed), and show its progress. With a Celery broker the workers send it; "
        "without one (CELERY_TASK_ALWAYS_EAGER) it is sent by this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int, help="the NewsletterIssuePage's id")
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="queue it and return, without following the progress",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=0,
            help="stop following after this many seconds (default: until it ends)",
        )

    def handle(self, *args, issue_id, no_wait, timeout, **options):
        issue = NewsletterIssuePage.objects.filter(pk=issue_id).first()
        if issue is None:
            raise CommandError(f"There is no newsletter issue with id {issue_id}.")
        try:
            outcome = queue_send(issue)
        except AlreadySent as exc:
            raise CommandError(
                f"Another language version of issue {issue_id} already has its send: an "
                "issue goes out once."
            ) from exc
        except EmptyIssue as exc:
            raise CommandError(
                f"Issue {issue_id} has nothing in its body: write it before sending."
            ) from exc
        send = outcome.send
        newsletter_list = send.newsletter_list
        if outcome.changed:
            self.stdout.write(f"Issue {issue.pk} “{issue.title}” queued for {newsletter_list}.")
        else:
            self.stdout.write(
                f"Issue {issue.pk} “{issue.title}” is already {send.get_status_display().lower()}"
                f" for {newsletter_list}: not queued again."
            )
        if send.status == Send.Status.SCHEDULED:
            self.stdout.write(f"It is scheduled for {timezone.localtime(send.scheduled_for):%c}.")
            return
        printer = ProgressPrinter(self.stdout, self.stdout.isatty())
        if send.status in (Send.Status.SENT, Send.Status.CANCELLED):
            pass  # only its numbers
        elif tasks.is_eager():
            self.send_here(send, printer, no_wait)
        else:
            if send.status == Send.Status.QUEUED:  # a second start of a queued send is a no-op
                enqueue(tasks.start_send, send.pk)
            if no_wait:
                return
            self.follow(send, printer, timeout)
        self.conclude(send, printer)

    def send_here(self, send: Send, printer: ProgressPrinter, no_wait: bool) -> None:
        """No worker: start the send and run its batches in this process, waiting out retry
        backoffs (unless --no-wait: then running the command again carries on)."""
        self.stdout.write("No Celery broker configured: sending from this process.")
        requeue_stale_claims()
        begin_send(send.pk)
        while True:
            outcome = send_next_batch(send.pk)
            printer.show(counts_of(send))
            if outcome.more:
                continue
            if outcome.stopped in (Stop.PAUSED, Stop.NOT_SENDING):
                return
            if outcome.stopped == Stop.UNAVAILABLE:
                raise CommandError(
                    "Cannot reach the mail server (EMAIL_URL); the remaining emails wait. "
                    "Run this command again later."
                )
            next_due = Delivery.objects.filter(
                send_id=send.pk, status=Delivery.Status.QUEUED
            ).aggregate(at=Min("not_before"))["at"]
            if next_due is None or no_wait:
                return
            wait = max(0.0, (next_due - timezone.now()).total_seconds())
            if not printer.tty:
                self.stdout.write(f"Waiting {wait:.0f} s to retry temporarily refused emails.")
            time.sleep(wait + 0.05)

    def follow(self, send: Send, printer: ProgressPrinter, timeout: float) -> None:
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            status = Send.objects.filter(pk=send.pk).values_list("status", flat=True).first()
            printer.show(counts_of(send))
            if status not in (Send.Status.QUEUED, Send.Status.SENDING):
                return
            if deadline is not None and time.monotonic() > deadline:
                self.stdout.write("")
                self.stdout.write("Still sending; the workers carry on without this command.")
                return
            time.sleep(POLL_SECONDS)

    def conclude(self, send: Send, printer: ProgressPrinter) -> None:
        send.refresh_from_db()
        counts = counts_of(send)
        printer.show(counts, final=True)
        if send.status == Send.Status.PAUSED:
            raise CommandError(f"The send is paused: {send.paused_reason}")
        self.stdout.write(
            self.style.SUCCESS(f"Send {send.get_status_display().lower()}: ")
            + f"{counts.sent} sent, {counts.failed} failed, {counts.skipped} skipped, "
            f"{counts.remaining} remaining, of {counts.total}."
        )


def counts_of(send: Send) -> Counts:
    return delivery_counts([send.pk]).get(send.pk, Counts())
