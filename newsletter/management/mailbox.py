"""What the commands fed by a mailbox share (unsubscribe_by_email, process_bounces): one email
on standard input from an MTA pipe, files, or every message of a maildir from cron; a line on
stderr for each message skipped; a summary; the exit status an MTA understands.

A subclass says what one message does (``take``: its outcome, counted) and how the counts read
(``summary``). An outcome of RETRY means the database failed: the command ends with 75
(EX_TEMPFAIL) so the MTA keeps the message and tries again, and a maildir message stays where
it is for the next run; every other outcome moves a maildir message to cur/ marked seen."""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

MAX_MESSAGE_BYTES = 1024 * 1024  # a reply to a mailto or a bounce report is a few kB
READ_CHUNK = 64 * 1024
EX_TEMPFAIL = 75  # sysexits.h: Postfix and other MTAs keep the message and try again
STDIN = "-"
RETRY = "retry"  # the outcome of a message the database failed on
IGNORED = "ignored"  # the outcome of a message that asks nothing of us (or cannot be read)


class MailboxCommand(BaseCommand):
    # An MTA runs it once per email: no system checks, whose warnings would fill its log.
    requires_system_checks = []
    stealth_options = ("stdin",)  # call_command(..., stdin=stream), as createsuperuser
    outcomes: tuple[str, ...] = ()  # every outcome take() may return, RETRY and IGNORED among them

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="a file holding one email (RFC 5322); '-' or none: standard input",
        )
        parser.add_argument(
            "--maildir",
            metavar="DIR",
            help=(
                "a maildir (with new/ and cur/): handle every message in new/ and the ones in "
                "cur/ without the seen flag, then move each to cur/ marked seen (':2,S')"
            ),
        )

    def take(self, raw: bytes, truncated: bool, label: str) -> str:
        """Act on one message (its first MAX_MESSAGE_BYTES, `truncated` if there was more):
        its outcome."""
        raise NotImplementedError

    def summary(self) -> str:
        """What was done, from self.counts (without the messages to try again)."""
        raise NotImplementedError

    def problem(self, label: str, text: str) -> None:
        self.stderr.write(f"{label}: {text}")

    def handle(self, *args, files, maildir, **options):
        stdin = options.get("stdin") or sys.stdin
        for name in files:
            if name != STDIN and not Path(name).is_file():
                raise CommandError(f"There is no file {name}.")
            if name != STDIN and not os.access(name, os.R_OK):
                raise CommandError(f"The file {name} cannot be read (permissions).")
        directory = usable_maildir(maildir) if maildir else None
        if not files and directory is None:
            if _isatty(stdin):
                raise CommandError(
                    "Nothing to read: give FILEs or --maildir DIR, or pipe one email to "
                    "standard input."
                )
            files = [STDIN]
        self.counts = dict.fromkeys(self.outcomes, 0)
        for name in files:
            self._take_file(name, stdin)
        if directory is not None:
            self._take_maildir(directory)
        self._finish()

    def _count(self, raw: bytes, truncated: bool, label: str) -> str:
        outcome = self.take(raw, truncated, label)
        self.counts[outcome] += 1
        return outcome

    def _take_file(self, name: str, stdin) -> None:
        if name == STDIN:
            self._count(*read_capped(stdin, drain=True), "<stdin>")
            return
        try:
            with open(name, "rb") as stream:
                raw, truncated = read_capped(stream)
        except OSError as exc:  # gone or changed since it was checked
            self.problem(name, f"ignored: could not be read ({exc.strerror or exc}).")
            self.counts[IGNORED] += 1
            return
        self._count(raw, truncated, name)

    def _take_maildir(self, directory: Path) -> None:
        cur = directory / "cur"
        for path in maildir_messages(directory):
            try:
                with path.open("rb") as stream:
                    raw, truncated = read_capped(stream)
            except FileNotFoundError:
                continue  # another run took it in the meantime
            except OSError as exc:
                self.problem(str(path), f"could not be read ({exc.strerror or exc}); left there.")
                continue
            if self._count(raw, truncated, str(path)) == RETRY:
                continue  # left where it is, for the next run
            try:
                path.rename(cur / seen_name(path.name))
            except OSError as exc:
                self.problem(
                    str(path), f"handled, but could not be moved to cur/ ({exc.strerror or exc})."
                )

    def _finish(self) -> None:
        retry = self.counts.get(RETRY, 0)
        if retry:
            self.stdout.write(f"{self.summary()}, {retry} to try again.")
            raise CommandError(
                f"The database failed for {retry} message(s): they are to be handled again later.",
                returncode=EX_TEMPFAIL,
            )
        self.stdout.write(f"{self.summary()}.")


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def usable_maildir(name: str) -> Path:
    directory = Path(name)
    if not directory.is_dir():
        raise CommandError(f"There is no directory {name}.")
    if not (directory / "new").is_dir() or not (directory / "cur").is_dir():
        raise CommandError(f"{name} is not a maildir: it has no new/ and cur/ directories.")
    return directory


def read_capped(stream, drain: bool = False) -> tuple[bytes, bool]:
    """Up to MAX_MESSAGE_BYTES of a stream (binary, or text as in tests), and whether there was
    more. With `drain` the rest is read and dropped, so the MTA writing into the pipe never
    meets a broken pipe."""
    stream = getattr(stream, "buffer", stream)
    kept: list[bytes] = []
    size = 0
    truncated = False
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            break
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        if size < MAX_MESSAGE_BYTES:
            kept.append(chunk[: MAX_MESSAGE_BYTES - size])
        size += len(chunk)
        if size > MAX_MESSAGE_BYTES:
            truncated = True
            if not drain:
                break
    return b"".join(kept), truncated


def seen(name: str) -> bool:
    return ":2," in name and "S" in name.rsplit(":2,", 1)[1]


def seen_name(name: str) -> str:
    """The maildir name with the seen flag added to its info (flags stay in ASCII order)."""
    base, _sep, flags = name.partition(":2,")
    return f"{base}:2,{''.join(sorted(set(flags) | {'S'}))}"


def maildir_messages(directory: Path) -> list[Path]:
    new = sorted(path for path in (directory / "new").iterdir() if _message_file(path))
    cur = sorted(
        path
        for path in (directory / "cur").iterdir()
        if _message_file(path) and not seen(path.name)
    )
    return new + cur


def _message_file(path: Path) -> bool:
    return not path.name.startswith(".") and path.is_file()
