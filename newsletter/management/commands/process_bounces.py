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

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from newsletter.bounces.apply import Outcome, apply_report
from newsletter.bounces.parse import NotUsable, read_report

from .unsubscribe_by_email import (
    EX_TEMPFAIL,
    STDIN,
    _isatty,
    maildir_messages,
    read_capped,
    seen_name,
    usable_maildir,
)

RETRY = "retry"


class Command(BaseCommand):
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
    requires_system_checks = []  # run once per email by an MTA: no warnings in its log
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", metavar="FILE", help="a file holding one email; '-': stdin"
        )
        parser.add_argument(
            "--maildir",
            metavar="DIR",
            help="a maildir: handle every message in new/ (and unseen ones in cur/), then move "
            "each to cur/ marked seen (':2,S')",
        )

    def handle(self, *args, files, maildir, **options):
        stdin = options.get("stdin") or sys.stdin
        for name in files:
            if name != STDIN and not (Path(name).is_file() and os.access(name, os.R_OK)):
                raise CommandError(f"There is no readable file {name}.")
        directory = usable_maildir(maildir) if maildir else None
        if not files and directory is None:
            if _isatty(stdin):
                raise CommandError(
                    "Nothing to read: give FILEs or --maildir DIR, or pipe one email to "
                    "standard input."
                )
            files = [STDIN]
        self.counts = {Outcome.RECORDED: 0, Outcome.DUPLICATE: 0, Outcome.IGNORED: 0, RETRY: 0}
        for name in files:
            if name == STDIN:
                raw, _truncated = read_capped(stdin, drain=True)
                self.take(raw, "<stdin>")
                continue
            try:
                with open(name, "rb") as stream:
                    raw, _truncated = read_capped(stream)
            except OSError as exc:
                self.stderr.write(f"{name}: ignored: could not be read ({exc.strerror or exc}).")
                self.counts[Outcome.IGNORED] += 1
                continue
            self.take(raw, name)
        if directory is not None:
            self.handle_maildir(directory)
        self.finish()

    def finish(self) -> None:
        counts = self.counts
        summary = (
            f"{counts[Outcome.RECORDED]} recorded, {counts[Outcome.DUPLICATE]} already "
            f"recorded, {counts[Outcome.IGNORED]} ignored"
        )
        if counts[RETRY]:
            self.stdout.write(f"{summary}, {counts[RETRY]} to try again.")
            raise CommandError(
                f"The database failed for {counts[RETRY]} message(s): they are to be handled "
                "again later.",
                returncode=EX_TEMPFAIL,
            )
        self.stdout.write(f"{summary}.")

    def handle_maildir(self, directory: Path) -> None:
        cur = directory / "cur"
        for path in maildir_messages(directory):
            try:
                with path.open("rb") as stream:
                    raw, _truncated = read_capped(stream)
            except FileNotFoundError:
                continue  # another run took it meanwhile
            except OSError as exc:
                self.stderr.write(f"{path}: could not be read ({exc.strerror or exc}); left there.")
                continue
            if self.take(raw, str(path)) == RETRY:
                continue
            try:
                path.rename(cur / seen_name(path.name))
            except OSError as exc:
                self.stderr.write(f"{path}: handled, but not moved to cur/ ({exc.strerror}).")

    def take(self, raw: bytes, label: str) -> str:
        try:
            report = read_report(raw)
        except NotUsable as exc:
            self.stderr.write(f"{label}: ignored: {exc}.")
            self.counts[Outcome.IGNORED] += 1
            return Outcome.IGNORED
        try:
            result = apply_report(report)
        except DatabaseError as exc:
            reason = " ".join(str(exc).split())[:200] or exc.__class__.__name__
            self.stderr.write(f"{label}: not handled, the database failed: {reason}.")
            self.counts[RETRY] += 1
            return RETRY
        if result.outcome == Outcome.RECORDED:
            self.stdout.write(f"{label}: {result.text}.")
        else:
            self.stderr.write(f"{label}: {result.outcome}: {result.text}.")
        self.counts[result.outcome] += 1
        return result.outcome
