"""Task names outlive a deploy: a DeferredTask row (kept while the broker was down) and the beat
schedule hold a task's dotted name as a string. The confirmation tasks moved from
newsletter/subscriptions.py to newsletter/tasks.py and keep their old names (name=...), so a
row kept before the move still runs, and beat still finds every task it names."""

from celery import current_app
from django.conf import settings
from django.urls import reverse

from cms.core.models import DeferredTask
from cms.core.tasks import retry_deferred_tasks
from newsletter import tasks
from newsletter.models import NewsletterList, Subscriber, Subscription

OLD_CONFIRMATION_NAME = "newsletter.subscriptions.send_confirmation"
ADDRESS = "kept.while.down@example.org"


def test_a_confirmation_kept_under_its_old_name_is_sent_when_the_broker_is_back(
    network, mailoutbox
):
    newsletter_list = NewsletterList.for_site(network.coventry_site)
    subscriber = Subscriber.objects.create(email=ADDRESS)
    subscription = Subscription.objects.create(
        subscriber=subscriber, newsletter_list=newsletter_list
    )
    # As cms.core.queue.defer wrote it before the move, when the broker refused the task.
    DeferredTask.objects.create(
        task=OLD_CONFIRMATION_NAME, args=[subscription.pk], last_error="Connection refused"
    )

    assert retry_deferred_tasks() == 1

    assert not DeferredTask.objects.exists()
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is not None
    [message] = mailoutbox
    assert message.to == [ADDRESS]
    confirm_path = reverse("newsletter:confirm", args=["TOKEN"]).removesuffix("TOKEN/")
    assert confirm_path in message.body


def test_every_beat_entry_names_a_task_a_worker_registers():
    current_app.loader.import_default_modules()  # what `celery worker` and `beat` import
    registered = set(current_app.tasks)
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "no beat schedule to check"
    unknown = {
        entry: spec["task"] for entry, spec in schedule.items() if spec["task"] not in registered
    }
    assert unknown == {}
    named = {spec["task"] for spec in schedule.values()}
    assert {
        tasks.sweep_sends.name,
        tasks.send_pending_confirmations.name,
        tasks.purge_unconfirmed.name,
    } <= named
