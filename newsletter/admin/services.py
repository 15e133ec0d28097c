"""What the newsletter admin does, apart from its views: a send's progress, the recipients a
send would have, the send's state changes (each a conditional update, enqueued on commit) and
saving a list's settings."""

from dataclasses import dataclass

from django.db import transaction

from cms.core.queue import enqueue_on_commit
from cms.core.text import normalise_line_breaks

from .. import tasks
from ..models import NewsletterIssuePage, NewsletterList, Send
from ..pipeline.counts import Counts, delivery_counts
from ..pipeline.queueing import QueueOutcome, queue_send

FINISHED = {Send.Status.SENT, Send.Status.CANCELLED}
LIST_SETTINGS_FIELDS = ["name", "from_name", "reply_to", "consent_wording"]


@dataclass
class Progress:
    """A send's state and delivery counts, as the send page and its JSON show them."""

    status: str
    status_label: str
    paused_reason: str
    counts: Counts

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def as_dict(self) -> dict:
        counts = self.counts
        return {
            "status": self.status,
            "status_label": self.status_label,
            "paused_reason": self.paused_reason,
            "total": counts.total,
            "queued": counts.queued,
            "claimed": counts.claimed,
            "sent": counts.sent,
            "failed": counts.failed,
            "skipped": counts.skipped,
            "remaining": counts.remaining,
            "done": counts.done,
            "finished": self.finished,
        }


def progress_of(sends) -> dict[int, Progress]:
    """Each send's progress; the counts of all of them come from one grouped query."""
    sends = list(sends)
    counts = delivery_counts(send.pk for send in sends)
    return {
        send.pk: Progress(
            status=send.status,
            status_label=send.get_status_display(),
            paused_reason=send.paused_reason if send.status == Send.Status.PAUSED else "",
            counts=counts.get(send.pk, Counts()),
        )
        for send in sends
    }


def send_progress(send: Send) -> Progress:
    return progress_of([send])[send.pk]


def request_send(issue: NewsletterIssuePage, user, scheduled_for=None) -> QueueOutcome:
    """Send now (scheduled_for None) or schedule, through the pipeline's queue_send: the one
    Send per issue is made once and moves on only by a conditional UPDATE, so only the call
    that changed it publishes the issue and, for "send now", enqueues the start."""
    with transaction.atomic():
        outcome = queue_send(issue, requested_by=user, scheduled_for=scheduled_for)
        if outcome.changed and outcome.send.status == Send.Status.QUEUED:
            enqueue_on_commit(tasks.start_send, outcome.send.pk)
    return outcome


def cancel_schedule(send: Send) -> bool:
    """A scheduled send that has not started is withdrawn, and its row removed so the issue can
    be scheduled again; one the sweep has already started is left alone. The conditional UPDATE
    decides (and holds the row until commit, so no start can take it meanwhile)."""
    with transaction.atomic():
        cancelled = Send.objects.filter(pk=send.pk, status=Send.Status.SCHEDULED).update(
            status=Send.Status.CANCELLED
        )
        if cancelled:
            Send.objects.filter(pk=send.pk, status=Send.Status.CANCELLED).delete()
    return bool(cancelled)


def resume_send(send: Send) -> bool:
    with transaction.atomic():
        resumed = Send.objects.filter(pk=send.pk, status=Send.Status.PAUSED).update(
            status=Send.Status.SENDING, paused_reason=""
        )
        if resumed:
            enqueue_on_commit(tasks.resume_send, send.pk)
    return bool(resumed)


def send_test(issue: NewsletterIssuePage, address: str) -> None:
    enqueue_on_commit(tasks.send_test, issue.pk, address)


def normalise_wording(value: str) -> str:
    """Consent wording as it is kept: one kind of line break, no surrounding space."""
    return normalise_line_breaks(value).strip()


def save_list_settings(list_id: int, data: dict) -> tuple[NewsletterList, bool]:
    """Save the settings in `data` (all of LIST_SETTINGS_FIELDS, the SMTP server, or both) on
    the locked row; (list, whether the consent wording got a new version). Wording that
    differs only in line endings or surrounding spaces is unchanged."""
    with transaction.atomic():
        newsletter_list = NewsletterList.objects.select_for_update().get(pk=list_id)
        version = newsletter_list.consent_version
        wording = newsletter_list.consent_wording
        if normalise_wording(wording) != data.get("consent_wording", wording):
            wording = data["consent_wording"]
        changed = [name for name in LIST_SETTINGS_FIELDS if name in data]
        for field_name in changed:
            setattr(newsletter_list, field_name, data[field_name])
        newsletter_list.consent_wording = wording
        if "consent_wording" in data:
            changed.append("consent_version")
        if "smtp_server" in data:  # only in the national team's form
            newsletter_list.smtp_server = data["smtp_server"]
            changed.append("smtp_server")
        newsletter_list.save(update_fields=changed)
    return newsletter_list, newsletter_list.consent_version != version


def set_list_server(list_id: int, server) -> None:
    """The list's SMTP server (None: the project's); the next batch connects to it."""
    NewsletterList.objects.filter(pk=list_id).update(smtp_server=server)
