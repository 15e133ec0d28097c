"""Several connections per worker process (listmonk's model): a batch hands its emails to
lanes, each a thread with its own Mailer, so the waits for the server's answers overlap while
this thread builds the next emails and keeps the books. The lanes touch no database: every row
is updated by the batch's own thread, from the outcomes the lanes report.

With a backend that is not SMTP (the file outbox, the tests' locmem) there is one lane and it
sends in the caller's thread, in order.

A lane whose connection cannot be opened (or opened again after a drop) stops and says so
(``Outcome.connect``); the batch goes on with the others, and stops when none is left."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, NamedTuple

from .smtp import Mailer, classify, give_back

logger = logging.getLogger(__name__)

PUT_WAIT = 0.05  # seconds between looks at the lanes while they are all busy
AHEAD = 8  # emails made ahead per lane


class Outcome(NamedTuple):
    job: Any  # what was given to send(); None for a lane that could not connect
    error: BaseException | None = None
    connect: bool = False  # the error is the lane's connection failing: the lane stopped


class Lanes:
    """The lanes of one batch. Use as a context manager: leaving it stops them (emails not yet
    taken by a lane are not sent) and gives the connections back for the next batch."""

    def __init__(self, mailers: list[Mailer]):
        self.mailers = mailers
        self.threaded = mailers[0].threaded
        # Emails made ahead, so the lanes keep sending while this thread waits on the database.
        self.jobs: queue.Queue = queue.Queue(maxsize=len(mailers) * AHEAD)
        self.outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []
        self.pending = 0  # emails handed over whose outcome has not been collected
        self.alive = len(mailers)
        self.connect_error: BaseException | None = None

    # --- one lane -------------------------------------------------------------------------

    def _open(self, mailer: Mailer) -> bool:
        try:
            mailer.open()
            return True
        except Exception as exc:
            mailer.close()
            self.outcomes.put(Outcome(None, exc, connect=True))
            return False

    def _send(self, mailer: Mailer, job, envelope) -> bool:
        """Send one email; False if the lane must stop (its connection dropped and could not
        be opened again)."""
        try:
            mailer.send(envelope.sender, envelope.recipient, envelope.data)
        except Exception as exc:
            self.outcomes.put(Outcome(job, exc))
            if classify(exc).action == "reconnect":
                mailer.close()
                return self._open(mailer)
            return True
        self.outcomes.put(Outcome(job))
        return True

    def _run(self, mailer: Mailer) -> None:
        if not self._open(mailer):
            return
        while (item := self.jobs.get()) is not None:
            if not self._send(mailer, *item):
                return

    # --- the batch's side -----------------------------------------------------------------

    def __enter__(self) -> Lanes:
        if self.threaded:
            for mailer in self.mailers:
                thread = threading.Thread(target=self._run, args=(mailer,), daemon=True)
                thread.start()
                self.threads.append(thread)
        else:
            self._open(self.mailers[0])  # a failure is an outcome, like a lane's
        return self

    def collect(self, wait: bool = False) -> list[Outcome]:
        """The outcomes reported so far (with `wait`, at least one if any is due)."""
        found = []
        try:
            if wait and self.pending:
                found.append(self.outcomes.get(timeout=PUT_WAIT))
            while True:
                found.append(self.outcomes.get_nowait())
        except queue.Empty:
            pass
        for outcome in found:
            if outcome.connect:
                self.alive -= 1
                self.connect_error = outcome.error
                logger.warning("A connection to the mail server failed: %s", outcome.error)
            else:
                self.pending -= 1
        return found

    def send(self, job, envelope) -> tuple[bool, list[Outcome]]:
        """Hand one email to a lane: (taken, outcomes so far). Not taken if no lane is left,
        or if all stayed busy for PUT_WAIT: the caller keeps its books and offers it again
        (a rate-limited server can keep the lanes busy far longer than a claim may go
        without its heartbeat)."""
        outcomes = self.collect()
        if not self.alive:
            return False, outcomes
        if not self.threaded:  # sent here and now
            self.pending += 1
            self._send(self.mailers[0], job, envelope)
            return True, outcomes + self.collect()
        try:
            self.jobs.put((job, envelope), timeout=PUT_WAIT)
        except queue.Full:
            return False, outcomes + self.collect()
        self.pending += 1
        return True, outcomes + self.collect()

    def waiting(self) -> bool:
        """Emails handed over are still in flight, and a lane is left to send them."""
        return bool(self.pending and self.alive and self.threaded)

    def stop(self) -> list[Outcome]:
        """Take back the emails no lane has taken yet, let the lanes finish the ones they
        have, and stop them: the outcomes not collected yet."""
        while True:
            try:
                self.jobs.get_nowait()
                self.pending -= 1
            except queue.Empty:
                break
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()
        return self.collect()

    def __exit__(self, *exc_info) -> None:
        if any(thread.is_alive() for thread in self.threads):
            self.stop()
        if self.threaded:
            give_back(self.mailers)
        else:
            self.mailers[0].close()
