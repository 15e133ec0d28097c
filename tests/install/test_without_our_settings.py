"""What lets the apps run in a project without our settings (README "Add to an existing Wagtail
project"), checked in ours: background work through Django's task framework when no Celery
broker is named, each setting's default, our pages' context without our context processor,
and a default language outside LANGUAGES. The whole installation: test_wagtail_start.py."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from cms.core.queue import runs_inline
from newsletter import conf as newsletter_conf
from newsletter.models import NewsletterList
from newsletter.models.lists import site_languages
from sites import conf as sites_conf
from tests.newsletter.subscriptions_support import subscribe, subscription_for
from tests.shared_chapter import leeds_param

NO_BROKER = {"CELERY_BROKER_URL": ""}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def dummy_results():
    from django_tasks import task_backends

    return task_backends["default"].results


@pytest.mark.parametrize("host", ["coventry.localhost", leeds_param("leeds.localhost")])
def test_without_a_broker_the_confirmation_waits_in_django_tasks(
    host, request, network, client, django_capture_on_commit_callbacks
):
    """Routed to Django's task framework (here a backend that only records), not to Celery:
    nothing is mailed until that backend runs it."""
    if host == "leeds.localhost":
        request.getfixturevalue("leeds")
    with override_settings(**NO_BROKER, TASKS=DUMMY):
        subscribe(client, django_capture_on_commit_callbacks, host=host)
        (result,) = dummy_results()
    subscription = subscription_for(subscription_site(host))
    assert result.task.name == "run_celery_task"
    assert result.args == ["newsletter.subscriptions.send_confirmation", [subscription.pk], {}]
    assert mail.outbox == []


@pytest.mark.parametrize("host", ["coventry.localhost", leeds_param("leeds.localhost")])
def test_without_a_broker_the_confirmation_is_mailed_by_django_tasks(
    host, request, network, client, django_capture_on_commit_callbacks
):
    """Django-tasks' default backend runs it at once: the resident gets the confirmation."""
    if host == "leeds.localhost":
        request.getfixturevalue("leeds")
    with override_settings(**NO_BROKER, TASKS=IMMEDIATE):
        subscribe(client, django_capture_on_commit_callbacks, host=host)
    (message,) = mail.outbox
    assert message.to == ["amira@example.com"]
    assert "/subscriptions/confirm/" in message.body


def subscription_site(host):
    return NewsletterList.objects.get(site__hostname=host).site


def test_what_runs_inline():
    with override_settings(**NO_BROKER, TASKS=IMMEDIATE):
        assert runs_inline()
    with override_settings(**NO_BROKER, TASKS=DUMMY):
        assert not runs_inline()
    # With a broker, Celery's own setting decides (the test settings run Celery eagerly).
    assert runs_inline()


def test_the_newsletter_settings_have_defaults():
    with override_settings():
        for name in newsletter_conf.DEFAULTS:
            delattr(settings, name)
        assert newsletter_conf.batch_size() == 100
        assert newsletter_conf.max_attempts() == 8
        assert newsletter_conf.stalled_after().total_seconds() == 120
        assert newsletter_conf.unsubscribe_mailbox() == newsletter_conf.sender_address()
        delay = newsletter_conf.retry_delay(1).total_seconds()
        assert 30 <= delay <= 60  # the sweep period, jittered into its upper half


def test_the_base_template_is_a_setting():
    assert sites_conf.base_template() == "base.html"
    with override_settings(NETWORK_BASE_TEMPLATE="host/base.html"):
        assert sites_conf.base_template() == "host/base.html"


def test_a_default_language_outside_languages_is_still_offered(network):
    """wagtail start's LANGUAGE_CODE is en-us, which Django's LANGUAGES does not list."""
    with override_settings(LANGUAGE_CODE="en-us"):
        assert site_languages(network.national_site)[0] == "en-us"


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("coventry.localhost", "Connecting for Good Coventry"),
        leeds_param("leeds.localhost", "Leeds Connects"),
    ],
)
@pytest.mark.parametrize("path", ["/stories/", "/subscriptions/subscribe/"])
def test_our_pages_are_dressed_without_our_context_processor(host, name, path, request, network):
    """The site's name (from `brand`) on a story page and a newsletter view, with TEMPLATES
    as a project without our context processor has them."""
    if host == "leeds.localhost":
        request.getfixturevalue("leeds")
    engine = settings.TEMPLATES[0]
    processors = [
        processor
        for processor in engine["OPTIONS"]["context_processors"]
        if not processor.startswith("sites.")
    ]
    bare = {**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}
    with override_settings(TEMPLATES=[bare]):
        response = Client().get(path, HTTP_HOST=host)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"| {name}</title>" in body
