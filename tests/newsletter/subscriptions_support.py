"""What the signup tests (tests/newsletter/test_subscriptions_*.py) share: the public URLs and
the address they subscribe, posting the signup form as a browser would (with its signed
timestamp), reading the confirmation email, subscriptions made directly in the database and
backdated, and the links' tokens forged or expired.
"""

import re
import time
from datetime import timedelta
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.core import antispam
from newsletter.forms import SubscribeForm
from newsletter.models import NewsletterIndexPage, Subscriber, Subscription
from newsletter.tokens import confirm_token
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.helpers import with_overrides

SUBSCRIBE_URL = "/subscriptions/subscribe/"
THANKS_URL = "/subscriptions/subscribe/?thanks"
EMAIL = "amira@example.com"
CONFIRM_LINK = re.compile(r"(https?://[^/\s\"]+)(/subscriptions/confirm/[^/\s\"]+/)")


# --- the signup form -----------------------------------------------------------------------


def form_started(age_seconds: float = 60) -> str:
    """A timestamp as the signup form would have signed it `age_seconds` ago."""
    return antispam.sign_timestamp(SubscribeForm.get_antispam_salt(), at=time.time() - age_seconds)


def signup_data(**overrides) -> dict:
    defaults = {
        "email": EMAIL,
        "name": "Amira Khan",
        "language": "en",
        "consent": "on",
        "website": "",
        "form_started": form_started(),
        "source": "http://coventry.localhost/newsletter/",
    }
    return with_overrides(defaults, overrides)


def post_signup(client, host=COVENTRY_HOST, **overrides):
    if host == NATIONAL_HOST and "source" not in overrides:
        overrides["source"] = "http://localhost/newsletter/"
    return client.post(SUBSCRIBE_URL, signup_data(**overrides), HTTP_HOST=host)


def subscribe(client, capture, host=COVENTRY_HOST, **overrides):
    """Subscribe as a browser would, running what is enqueued on commit."""
    with capture(execute=True):
        response = post_signup(client, host, **overrides)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == THANKS_URL
    return response


# --- what it stored and mailed ---------------------------------------------------------------


def subscription_for(site, email=EMAIL) -> Subscription:
    return Subscription.objects.select_related("subscriber").get(
        subscriber__email=email, newsletter_list__site=site
    )


def confirm_link(message) -> tuple[str, str]:
    """(scheme://host, path) of the confirm link in a confirmation email's text part."""
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def headers_of(message) -> str:
    return message.message().as_string().split("\n\n", 1)[0]


def nothing_stored_for(email=EMAIL) -> bool:
    return not Subscriber.objects.filter(email=email).exists()


# --- made in the database ------------------------------------------------------------------


def index_page(home) -> NewsletterIndexPage:
    """The site's /newsletter/ page (the demo may already have one)."""
    page = NewsletterIndexPage.objects.child_of(home).first()
    if page is None:
        page = NewsletterIndexPage(title="Newsletter", slug="newsletter", locale=home.locale)
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


def pending_subscription(newsletter_list, email=EMAIL, **fields) -> Subscription:
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    subscription = Subscription.objects.create(
        subscriber=subscriber, newsletter_list=newsletter_list, **fields
    )
    return subscription


def backdate(subscription, **delta):
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - timedelta(**delta)
    )


def _confirmed(newsletter_list, email=EMAIL) -> Subscription:
    return pending_subscription(
        newsletter_list, email=email, status="confirmed", confirmed_at=timezone.now()
    )


# --- links and their tokens ----------------------------------------------------------------


def expired_confirm_token(subscription_id: int) -> str:
    """A confirm token signed eight days ago (links work for seven)."""
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        return confirm_token(subscription_id)


def csrf_client(url, host=COVENTRY_HOST) -> tuple[Client, str]:
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(url, HTTP_HOST=host).content.decode()
    return browser, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def preferences_path(subscriber) -> str:
    return reverse("newsletter:preferences", args=[subscriber.token])
