"""python manage.py process_bounces [FILE ...] | --maildir DIR: act on what arrives at the bounce
mailbox (NEWSLETTER_BOUNCE_EMAIL, each delivery's VERP return path): delivery status
notifications (RFC 3464) and feedback-loop complaints (RFC 5965), see newsletter/bounces.

Fed as unsubscribe_by_email is: one message on standard input from an MTA pipe (e.g. the
Postfix alias `bounces: "|/app/.venv/bin/python /app/manage.py process_bounces"`, with
`recipient_delimiter = +` so bounces+<token>@ reaches it), files, or a maildir from cron (each
message handled is moved to cur/ marked seen).

A message that is not a report about one of our deliveries (an autoreply, a delay notice, a
malformed report, a forged or unknown token) is ignored with one line on stderr and the exit
status stays 0: an MTA must never bounce a bounce. Non-zero only for unusable arguments, or 75
(EX_TEMPFAIL) when the database failed: the MTA keeps the message and tries again, and a
maildir message stays where it is for the next run.
"""

from django.db import DatabaseError

from newsletter.bounces.apply import Outcome, apply_report
from newsletter.bounces.parse import NotUsable, read_report
from newsletter.management.mailbox import RETRY, MailboxCommand


class Command(MailboxCommand):
    help = (
        "Record the bounces (RFC 3464 delivery status notifications) and complaints (RFC 5965 "
        "feedback reports) that reach the bounce mailbox, and keep the lists clean: a hard "
        "bounce or a complaint suppresses the address on that list at once (a complaint also "
        "unsubscribes), soft bounces after NEWSLETTER_SOFT_BOUNCE_LIMIT sends. Reads one email "
        "from each FILE, or from standard input when no FILE is given (an MTA pipe), and with "
        "--maildir every message of a maildir not yet handled. A message that is not a report "
        "about one of our deliveries gets one line on stderr and is skipped. The exit status "
        "is 0 whenever every message was read; 1 for unusable arguments; 75 (temporary "
        "failure: the MTA tries again) when the database could not be used."
    )
    outcomes = (*Outcome, RETRY)

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{counts[Outcome.RECORDED]} recorded, {counts[Outcome.DUPLICATE]} already "
            f"recorded, {counts[Outcome.IGNORED]} ignored"
        )

    def take(self, raw: bytes, truncated: bool, label: str) -> str:
        try:
            report = read_report(raw)
        except NotUsable as exc:
            self.problem(label, f"ignored: {exc}.")
            return Outcome.IGNORED
        try:
            result = apply_report(report)
        except DatabaseError as exc:
            reason = " ".join(str(exc).split())[:200] or exc.__class__.__name__
            self.problem(label, f"not handled, the database failed: {reason}.")
            return RETRY
        if result.outcome == Outcome.RECORDED:
            self.stdout.write(f"{label}: {result.text}.")
        else:
            self.problem(label, f"{result.outcome}: {result.text}.")
        return result.outcome
