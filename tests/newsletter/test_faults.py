"""The sending pipeline under faults, with the real parts on loopback: PostgreSQL, a Redis of
the module's own, `celery -A cms worker` subprocesses and an aiosmtpd server (see
tests/newsletter/harness.py). Skipped unless the database is PostgreSQL and redis-server is
installed (with CI=true they fail instead).

Timings: the worker and this process run with a 5 s claim timeout and a 1 s sweep period; this
process runs the sweep itself while it waits (as beat would), so the tests do not depend on
the beat schedule.
"""

import re
import signal
import time

import pytest

from bench.harness.worker import CeleryWorker
from cms.core.models import DeferredTask
from newsletter import tasks
from newsletter.models import ConsentRecord, Delivery, Send, Subscription, Suppression
from newsletter.pipeline.queueing import queue_send
from tests.newsletter.harness import wait_for
from tests.newsletter.support import add_subscribers, address, build_newsletter, form_inputs

pytestmark = pytest.mark.django_db(transaction=True)

Row = Delivery.Status


class Sweeper:
    """Runs the sweep task in this process at most every `every` seconds, as beat would."""

    def __init__(self, every: float = 0.5):
        self.every = every
        self.last = 0.0

    def __call__(self) -> None:
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            tasks.sweep_sends()


def start(newsletter) -> Send:
    send = queue_send(newsletter.issue).send
    tasks.start_send.delay(send.pk)
    return send


def status_is(send: Send, status: str):
    return lambda: Send.objects.filter(pk=send.pk, status=status).exists()


def rows(send: Send, status: str) -> int:
    return Delivery.objects.filter(send=send, status=status).count()


def wait_until_sent(send: Send, timeout: float = 90) -> None:
    wait_for(
        status_is(send, Send.Status.SENT),
        timeout=timeout,
        what=f"send {send.pk} to finish",
        tick=Sweeper(),
    )


def test_kill_9_mid_send_loses_nothing(worker_env, celery_worker, record_property):
    """kill -9 of the whole worker in the middle of a 2,000-recipient send, then a new worker:
    everyone gets the email, and duplicates are no more than the rows in flight at the kill."""
    smtp = worker_env.mail
    smtp.keep_messages = False
    total = 2000
    newsletter = build_newsletter("kill.example.test")
    add_subscribers(newsletter.newsletter_list, total)
    send = start(newsletter)

    for _attempt in range(10):
        wait_for(
            lambda: rows(send, Row.SENT) >= total // 5 and rows(send, Row.CLAIMED) > 0,
            timeout=60,
            every=0.01,
            what="a fifth of the send to go out, with a batch in flight",
        )
        celery_worker.freeze()  # SIGSTOP: what is counted now is exactly what is in flight
        in_flight = rows(send, Row.CLAIMED)
        if in_flight:
            break
        celery_worker.thaw()  # caught between two batches: try again
    assert in_flight, "never caught a batch in flight"
    sent_before = rows(send, Row.SENT)
    celery_worker.kill9()
    assert sent_before < total, "the send ended before the kill: nothing was tested"

    celery_worker.start()
    wait_until_sent(send)

    counts = [smtp.count(address("reader", number)) for number in range(total)]
    lost = counts.count(0)
    duplicates = sum(count - 1 for count in counts if count > 1)
    for name, value in {
        "sent_before_kill": sent_before,
        "in_flight_at_kill": in_flight,
        "lost": lost,
        "duplicates": duplicates,
    }.items():
        record_property(name, value)
    print(f"kill -9: {sent_before} sent, {in_flight} in flight, {lost} lost, {duplicates} dup")
    assert lost == 0
    assert duplicates <= in_flight
    assert rows(send, Row.SENT) == total


def test_greylisting_a_third_of_the_emails_delays_them_only(worker_env):
    """451 to the first attempt of every third recipient: all delivered in the end, once."""
    smtp = worker_env.mail
    total = 300
    newsletter = build_newsletter("greylist.example.test")
    add_subscribers(newsletter.newsletter_list, total)
    deferred = {address("reader", number) for number in range(0, total, 3)}
    smtp.defer_first = deferred
    send = start(newsletter)

    wait_until_sent(send)

    assert all(smtp.count(address("reader", number)) == 1 for number in range(total))
    attempts = dict(Delivery.objects.filter(send=send).values_list("email", "attempts"))
    assert {attempts[email] for email in deferred} == {2}
    assert {attempts[email] for email in set(attempts) - deferred} == {1}
    assert rows(send, Row.SENT) == total


def test_permanent_refusals_fail_and_suppress_those_addresses(worker_env):
    """550 for some: those rows failed and their addresses suppressed; the rest delivered."""
    smtp = worker_env.mail
    total = 100
    newsletter = build_newsletter("bounce.example.test")
    add_subscribers(newsletter.newsletter_list, total)
    rejected = {address("reader", number) for number in (3, 17, 42, 99)}
    smtp.reject = rejected
    send = start(newsletter)

    wait_until_sent(send)

    failed = Delivery.objects.filter(send=send, status=Row.FAILED)
    assert {row.email for row in failed} == rejected
    assert all(row.last_error.startswith("550") for row in failed)
    # Suppressed on that list only (the issue's words: a bounce keeps *that* list clean).
    assert all(Suppression.is_suppressed(email, newsletter.newsletter_list) for email in rejected)
    assert not any(Suppression.is_suppressed(email) for email in rejected)
    assert smtp.total() == total - len(rejected)
    assert all(
        smtp.count(address("reader", number)) == 1
        for number in range(total)
        if address("reader", number) not in rejected
    )


def test_a_refused_login_pauses_the_send_until_resumed(worker_env):
    """535 on login: the send pauses with a reason an editor can act on, nothing is sent,
    failed or left claimed; resumed with the right password, everyone gets it once."""
    smtp = worker_env.mail
    total = 300
    newsletter = build_newsletter("auth.example.test")
    add_subscribers(newsletter.newsletter_list, total)
    smtp.fail_auth = True
    send = start(newsletter)

    wait_for(
        lambda: status_is(send, Send.Status.PAUSED)() and rows(send, Row.CLAIMED) == 0,
        timeout=60,
        what="the send to pause",
    )
    send.refresh_from_db()
    assert "The mail server refused our login (535" in send.paused_reason
    assert "resume the send" in send.paused_reason
    assert rows(send, Row.QUEUED) == total and smtp.total() == 0

    smtp.fail_auth = False
    Send.objects.filter(pk=send.pk, status=Send.Status.PAUSED).update(
        status=Send.Status.SENDING, paused_reason=""
    )
    tasks.resume_send.delay(send.pk)
    wait_until_sent(send)

    assert all(smtp.count(address("reader", number)) == 1 for number in range(total))


def test_a_broker_restart_mid_send_loses_no_email(worker_env):
    """Redis restarted without persistence in the middle of a send: its queued batch tasks are
    gone; the sweep sees due rows nobody claims and puts batches in flight again."""
    smtp = worker_env.mail
    smtp.keep_messages = False
    total = 1000
    newsletter = build_newsletter("broker.example.test")
    add_subscribers(newsletter.newsletter_list, total)
    send = start(newsletter)

    wait_for(
        lambda: rows(send, Row.SENT) >= total // 5,
        timeout=60,
        every=0.02,
        what="a fifth of the send to go out",
    )
    worker_env.redis.stop()
    sent_before = rows(send, Row.SENT)
    worker_env.redis.start()
    assert sent_before < total, "the send ended before the restart: nothing was tested"

    wait_until_sent(send, timeout=120)

    assert all(smtp.count(address("reader", number)) == 1 for number in range(total))


def test_a_worker_holding_a_task_outlives_a_redis_outage(worker_env, outage_worker):
    """Redis goes down, and stays down, while a worker holds a task it has not acknowledged
    (acks late) and waits for the next one: the worker keeps trying to reconnect instead of
    exiting (with kombu's own Redis transport it exited with "Unrecoverable error", see
    cms/core/broker.py), and once Redis is back it takes new work. The worker is one of its
    own, idle until given the task to hold (`outage_worker`)."""
    crashed = hold_a_task_while_redis_is_down(outage_worker, worker_env.redis)
    assert not crashed, "the worker gave up on Redis (see its log, outage_worker, in this report)"
    assert outage_worker.alive

    later = tasks.sweep_sends.apply_async(queue=outage_worker.queue)
    wait_for(
        lambda: outage_worker.logged(f"[{later.id}] succeeded"),
        timeout=60,
        what="the worker to take new work once Redis is back",
    )


def hold_a_task_while_redis_is_down(worker: CeleryWorker, redis_server) -> bool:
    """Give the worker a task its pool holds (stopped), stop Redis until the worker has seen
    it gone, start it again, let the pool go on; whether the worker gave up meanwhile."""
    worker.signal_children(signal.SIGSTOP)
    try:
        held = tasks.sweep_sends.apply_async(queue=worker.queue)
        wait_for(
            lambda: worker.logged(f"[{held.id}] received"), timeout=30, what="the worker to take it"
        )
        redis_server.stop()
        wait_for(
            lambda: (
                worker.logged("Cannot connect to redis") or worker.logged("Unrecoverable error")
            ),
            timeout=30,
            what="the worker to find Redis down",
        )
        redis_server.start()
    finally:
        worker.signal_children(signal.SIGCONT)
    return worker.logged("Unrecoverable error")


CONFIRM_LINK = re.compile(r"https://[^/\s\"]+(/subscriptions/confirm/[^/\s\"]+/)")


def test_a_resident_subscribes_while_redis_is_down(worker_env, client, settings, record_property):
    """Redis, the cache and the broker both, is stopped while a resident signs up: the page
    and the form still work, the subscription and its consent are stored, and so is the task
    that could not be enqueued; nothing is mailed. Once Redis is back the worker's beat sends
    the confirmation (through the kept task or the confirmation sweep, whichever comes first),
    once, and its link confirms."""
    smtp = worker_env.mail
    host, email = "outage.example.test", "amira@mail.example.test"
    build_newsletter(host)
    settings.ANTISPAM_MIN_SECONDS = 0
    settings.CACHES = {  # as in production: the cache is on the same Redis as the broker
        "default": {
            "BACKEND": "cms.core.cache.ResilientRedisCache",
            "LOCATION": worker_env.redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    worker_env.redis.stop()

    page = client.get("/newsletter/", HTTP_HOST=host, secure=True)
    assert page.status_code == 200
    data = form_inputs(page.content.decode(), "/subscriptions/subscribe/")
    data.update(email=email, name="Amira", language="en", consent="on")
    began = time.monotonic()
    response = client.post("/subscriptions/subscribe/", data, HTTP_HOST=host, secure=True)
    answered_in = time.monotonic() - began
    record_property("subscribe_seconds_with_redis_down", round(answered_in, 3))
    assert response.status_code == 303, response.content.decode()[:2000]

    subscription = Subscription.objects.get(subscriber__email=email)
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.confirmation_sent_at is None  # its task never reached a broker
    assert ConsentRecord.objects.filter(subscription=subscription).count() == 1
    assert list(DeferredTask.objects.values_list("task", "args")) == [
        ("newsletter.subscriptions.send_confirmation", [subscription.pk])
    ]
    assert smtp.count(email) == 0

    worker_env.redis.start()
    wait_for(
        lambda: smtp.count(email) == 1,
        timeout=60,
        what="the worker's beat to send the confirmation once Redis is back",
    )
    wait_for(
        lambda: not DeferredTask.objects.exists(), timeout=30, what="the kept task to be retried"
    )
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is not None
    assert tasks.send_pending_confirmations() == 0  # a later sweep sends nothing more
    (message,) = smtp.messages_to(email)
    path = CONFIRM_LINK.search(message.get_body(("plain",)).get_content()).group(1)

    assert client.get(path, HTTP_HOST=host, secure=True).status_code == 200  # a mail scanner
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    response = client.post(path, HTTP_HOST=host, secure=True)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert smtp.count(email) == 1
