"""The shared SMTP rate limit (newsletter/pipeline/ratelimit.py): a GCRA in Redis, one key per
provider account, without bursts (messages evenly spaced). Measured with the real parts: a
Redis of the module's own, two processes taking turns from it, and a real send by a Celery
worker of two prefork processes (two batches at once) whose arrival times at an aiosmtpd server
hold the server's rate; Redis stopped mid-way: each process paces itself and nothing fails.

Allowance: the limiter grants at most R slots in any second (by Redis's clock: one every 1/R
s), but the times the tests read are stamped after the grant: by the granted process, or by the
SMTP server at the message's MAIL FROM. On a busy machine (these tests run beside the rest of
the suite) a stamp can come late, and a server starved of CPU stamps the messages that waited
for it all at once (the sink is a thread of this process: see without_garbage_collection for
the largest such pause, now avoided). Each taker (a process; a worker's SMTP connection) holds
at most one granted slot at a time, so at most R + takers stamps fall in any second: checked at
exactly that bound, R + 2 for two processes and R + 8 for a worker of two processes with four
connections each. Two unshared limiters give 2R (20) at least, and their total duration,
checked at no less than (N - 1) / R, would halve.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from newsletter import tasks
from newsletter.models import Delivery, Send
from newsletter.pipeline import ratelimit
from newsletter.pipeline.queueing import queue_send
from newsletter.pipeline.ratelimit import NoLimit, RateLimiter, limiter_for
from tests.factories import SmtpServerFactory
from tests.newsletter.harness import PATIENCE, wait_for
from tests.newsletter.servers_support import RecordingMailServer, busiest_span, busiest_window
from tests.newsletter.support import add_subscribers, build_newsletter

RATE = 10  # messages per second in the measured send


def most_in_a_second(rate: int, takers: int) -> int:
    """The allowance above: the most stamps in any second when `takers` take slots at `rate`."""
    return rate + takers


def _take_turns(url: str, key: str, per_second: int, count: int, queue) -> None:
    """In a child process: take `count` slots from the shared limiter, report when each came."""
    limiter = RateLimiter(key, {"second": 1.0 / per_second}, url)
    granted = []
    for _turn in range(count):
        limiter.acquire()
        granted.append(time.monotonic())
    queue.put(granted)


def _in_processes(url: str, key: str, per_second: int, count: int, processes: int = 2):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [
        context.Process(target=_take_turns, args=(url, key, per_second, count, queue))
        for _child in range(processes)
    ]
    for child in children:
        child.start()
    results = [queue.get(timeout=60 * PATIENCE) for _child in children]
    for child in children:
        child.join(timeout=10)
        assert child.exitcode == 0
    return results


@pytest.fixture
def redis_url(newsletter_services) -> str:
    """The module's own Redis (started again if a test stopped it), without rate keys (only
    those: it is the worker's broker too)."""
    server = newsletter_services.redis
    if server.process is None or server.process.poll() is not None:
        server.start()
    client = redis.Redis.from_url(server.url)
    for key in client.scan_iter(f"{ratelimit.KEY_PREFIX}*"):
        client.delete(key)
    return server.url


def test_two_processes_share_one_pace(redis_url):
    per_second, count = 10, 15
    started = time.monotonic()
    turns = _in_processes(redis_url, "smtp.example:587:coventry", per_second, count)
    granted = sorted(turns[0] + turns[1])
    assert len(granted) == 2 * count
    assert busiest_window(granted) <= most_in_a_second(per_second, 2)  # unshared: 2 * per_second
    # 30 slots at 10 a second, evenly spaced: 2.9 s at least; two unshared limiters take 1.4.
    assert granted[-1] - granted[0] >= (2 * count - 1) / per_second - 0.05
    assert granted[-1] - started < 2 * (2 * count) / per_second * PATIENCE


def test_different_accounts_do_not_wait_for_each_other(redis_url):
    first = RateLimiter("smtp.example:587:coventry", {"second": 1 / 5}, redis_url)
    second = RateLimiter("smtp.example:587:leeds", {"second": 1 / 5}, redis_url)
    # Each account's first slot is free at once: neither slept (one shared key: 0.2 s).
    assert [limiter.acquire() for limiter in (first, second)] == [0.0, 0.0]


def test_a_per_minute_rate_spaces_messages_evenly(redis_url):
    limiter = RateLimiter("smtp.example:587:minute", {"minute": 60 / 240}, redis_url)
    started = time.monotonic()
    waits = [limiter.acquire() for _turn in range(5)]
    assert waits[0] == 0
    assert time.monotonic() - started >= 4 * 0.25 - 0.02  # 240 a minute: one every 0.25 s
    keys = redis.Redis.from_url(redis_url).keys("newsletter:smtp-rate:*")
    assert keys == [b"newsletter:smtp-rate:smtp.example:587:minute:per-minute"]
    assert 0 < redis.Redis.from_url(redis_url).pttl(keys[0]) < 3000  # gone once idle


def test_both_rates_hold_together(redis_url):
    limits = {"second": 1 / 100, "minute": 60 / 600}  # the minute's is the tighter: 0.1 s
    limiter = RateLimiter("smtp.example:587:both", limits, redis_url)
    started = time.monotonic()
    for _turn in range(6):
        limiter.acquire()
    assert time.monotonic() - started >= 5 * 0.1 - 0.02


def test_without_redis_each_process_paces_itself_and_nothing_fails(
    redis_url, newsletter_services, caplog
):
    limiter = RateLimiter("smtp.example:587:outage", {"second": 1 / 20}, redis_url)
    limiter.acquire()
    newsletter_services.redis.stop()
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="newsletter.pipeline.ratelimit"):
            for _turn in range(11):
                limiter.acquire()
        assert time.monotonic() - started >= 10 / 20 - 0.02  # still 20 a second, locally
        assert "Redis cannot be reached" in caplog.text
        assert caplog.text.count("Redis cannot be reached") == 1  # not once per message
        assert limiter.redis_down_until > time.monotonic()  # Redis is tried again later
    finally:
        newsletter_services.redis.start()
    limiter.redis_down_until = time.monotonic()  # as if REDIS_RETRY_SECONDS had passed
    limiter.acquire()
    assert redis.Redis.from_url(redis_url).exists(limiter.keys[0])  # back on Redis


def test_limiter_for_a_list_reads_its_servers_rates_else_the_settings(db, settings):
    newsletter_list = build_newsletter("rates.example.test").newsletter_list
    settings.NEWSLETTER_SMTP_RATE_PER_SECOND = settings.NEWSLETTER_SMTP_RATE_PER_MINUTE = None
    assert isinstance(limiter_for(newsletter_list), NoLimit)
    settings.NEWSLETTER_SMTP_RATE_PER_MINUTE = 600
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER = "mail.test", 25, "me"
    default = limiter_for(newsletter_list)
    assert default.keys == ["newsletter:smtp-rate:mail.test:25:me:per-minute"]
    assert default.intervals == [0.1]
    newsletter_list.smtp_server = SmtpServerFactory(rate_per_second=None, rate_per_minute=None)
    assert isinstance(limiter_for(newsletter_list), NoLimit)  # the server's rates, not ours
    newsletter_list.smtp_server = SmtpServerFactory(
        host="SMTP.Provider.example", port=587, username="cov", rate_per_second=20
    )
    own = limiter_for(newsletter_list)
    assert own.keys == ["newsletter:smtp-rate:smtp.provider.example:587:cov:per-second"]
    assert own.intervals == [0.05]
    # Another row for the same account counts against the same key.
    twin = SmtpServerFactory(host="smtp.provider.example", port=587, username="cov")
    twin.rate_per_second = 20
    newsletter_list.smtp_server = twin
    assert limiter_for(newsletter_list).keys == own.keys


def _by_connection(times: list[float], connections: dict[tuple, list[float]]) -> str:
    """When each of `times` came (ms after the first) and over which connection (a, b, ...)."""
    label = {
        moment: chr(ord("a") + number)
        for number, arrived in enumerate(connections.values())
        for moment in arrived
    }
    return ", ".join(f"{(moment - times[0]) * 1000:.0f} ms {label[moment]}" for moment in times)


# --- a real send, two worker processes --------------------------------------------------------


@contextmanager
def without_garbage_collection() -> Iterator[None]:
    """No collection of this process's garbage while the sink (a thread of it) stamps arrivals:
    a full collection of the test process's heap holds the interpreter for about half a second
    on a busy machine (measured: 485 ms), and the sink then stamps the messages that waited
    all at once (5 within 2 ms, granted 100 ms apart). A mail server is a process of its
    own; this one shares pytest's."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture(scope="module")
def sink() -> Iterator[RecordingMailServer]:
    server = RecordingMailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_send_by_two_worker_processes_keeps_to_the_servers_rate(
    worker_env, celery_worker, sink, settings, record_property
):
    """Two batches at once (100 and 50, by the worker's two prefork processes), one rate: 10
    a second at the list's own server, whatever the number of processes and connections."""
    connections_at_once = celery_worker.concurrency * settings.NEWSLETTER_SMTP_CONNECTIONS
    assert most_in_a_second(RATE, connections_at_once) < 2 * RATE  # still refuses two limiters
    sink.reset()
    total = 150
    newsletter = build_newsletter("paced.example.test")
    server = SmtpServerFactory(port=sink.port, rate_per_second=RATE, password="paced-secret")
    newsletter.newsletter_list.smtp_server = server
    newsletter.newsletter_list.save()
    add_subscribers(newsletter.newsletter_list, total)
    send = queue_send(newsletter.issue).send
    with without_garbage_collection():
        tasks.start_send.delay(send.pk)
        wait_for(
            lambda: Send.objects.filter(pk=send.pk, status=Send.Status.SENT).exists(),
            timeout=total / RATE * 3,
            every=0.5,  # this process also runs the SMTP server: leave it the interpreter
            what="the paced send to finish",
        )
    arrivals = sink.arrival_times()
    assert len(arrivals) == total == sink.total()
    assert set(sink.received.values()) == {1}  # each reader once
    assert Delivery.objects.filter(send=send, status=Delivery.Status.SENT).count() == total
    connections = sink.arrivals_by_connection()
    assert len(connections) >= 2
    first, second = sorted(connections.values(), key=len, reverse=True)[:2]
    overlap = min(max(first), max(second)) - max(min(first), min(second))
    assert overlap > 2, "the two batches sent at the same time"

    busiest = busiest_window(arrivals)
    duration = arrivals[-1] - arrivals[0]
    record_property("busiest_second", busiest)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    record_property("shortest_gap_ms", round(min(gaps) * 1000))
    record_property("duration_seconds", round(duration, 2))
    assert busiest <= most_in_a_second(RATE, connections_at_once), (
        f"{busiest} messages arrived within one second: "
        + _by_connection(busiest_span(arrivals), connections)
    )
    assert duration >= (total - 1) / RATE - 0.5  # 14.9 s: shared, not 10 a second each
    assert duration < (total - 1) / RATE * 2 * PATIENCE
