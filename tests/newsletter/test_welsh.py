"""The newsletter in Welsh, on the national site and on a chapter made by `create_chapter` that
offers Welsh: signing up on a /cy/ page mails the confirmation in Welsh with links to the Welsh
pages; the confirm, preferences and unsubscribe pages answer in Welsh; each subscriber gets an
issue in their language (the Welsh translation, or the English one saying it has no Welsh);
and a site that does not offer Welsh never mails Welsh.

The Welsh words are read from the project's `cy` catalogue (`welsh()`), never a hand list:
these tests check each page and mail is written in the reader's language.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import Locale

from newsletter import tasks
from newsletter.models import DEFAULT_CONSENT_WORDING, NewsletterList, Subscriber, Subscription
from newsletter.pipeline.queueing import queue_send
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.newsletter.admin_support import add_issue_under
from tests.newsletter.subscriptions_support import (
    EMAIL,
    _confirmed,
    form_started,
    html_part,
    index_page,
    pending_subscription,
    signup_data,
)
from tests.shared_chapter import LEEDS_HOST, leeds_param

WELSH_SUBSCRIBE = "/cy/subscriptions/subscribe/"
LINK = r"(https?://[^/\s\"]+)?(/[a-z/]*subscriptions/{kind}/[^/\s\"]+/)"
SITES = ["national", leeds_param()]


def welsh(message: str, **values) -> str:
    """`message` as the cy catalogue has it (the English itself if the catalogue lacks it)."""
    with translation.override("cy"):
        return gettext(message) % values if values else gettext(message)


def link_in(text: str, kind: str) -> tuple[str, str]:
    match = re.search(LINK.format(kind=kind), text)
    assert match, text
    return match.group(1), match.group(2)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def offer_welsh(site) -> None:
    settings = SiteSettings.for_site(site)
    settings.locales_offered = Locale.objects.filter(language_code__in=["en", "cy"])
    settings.save()


@pytest.fixture(params=SITES)
def welsh_site(request, network):
    """(site, host): the national site, and Leeds made by create_chapter and set to offer
    Welsh in its site settings."""
    if request.param == "national":
        return network.national_site, NATIONAL_HOST
    leeds = request.getfixturevalue("leeds")
    offer_welsh(leeds.site)
    return leeds.site, LEEDS_HOST


def welsh_signup(client, capture, host: str, **overrides):
    data = signup_data(language="cy", source=f"http://{host}/cy/", **overrides)
    with capture(execute=True):
        response = client.post(WELSH_SUBSCRIBE, data, HTTP_HOST=host)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == WELSH_SUBSCRIBE + "?thanks"
    return response


# --- the journey ------------------------------------------------------------------------------


def test_the_signup_form_on_a_welsh_page_is_in_welsh_and_records_welsh(client, welsh_site):
    site, host = welsh_site
    response = client.get(WELSH_SUBSCRIBE, HTTP_HOST=host)
    assert response.status_code == 200
    assert html_lang(response) == "cy"
    html = response.content.decode()
    assert f'action="{WELSH_SUBSCRIBE}"' in html
    assert welsh("Your email address") in html
    assert re.search(r'<option value="cy"[^>]*selected', html), "Welsh is chosen already"


def test_the_welsh_journey_from_signup_to_unsubscribe(
    client, welsh_site, mailoutbox, django_capture_on_commit_callbacks
):
    site, host = welsh_site
    newsletter_list = NewsletterList.for_site(site)
    list_name = newsletter_list.from_name or newsletter_list.name
    welsh_signup(client, django_capture_on_commit_callbacks, host)
    thanks = client.get(WELSH_SUBSCRIBE + "?thanks", HTTP_HOST=host)
    assert html_lang(thanks) == "cy" and welsh("Check your inbox") in thanks.content.decode()

    subscription = Subscription.objects.get(subscriber__email=EMAIL, newsletter_list__site=site)
    assert subscription.language == "cy" and subscription.subscriber.language == "cy"
    [message] = mailoutbox
    assert message.subject == welsh(
        "Confirm your subscription to %(list_name)s", list_name=list_name
    )
    assert message.extra_headers["Content-Language"] == "cy"
    assert '<html lang="cy">' in html_part(message)
    origin, confirm_path = link_in(message.body, "confirm")
    assert origin == site.root_url and confirm_path.startswith("/cy/subscriptions/confirm/")

    asked = client.get(confirm_path, HTTP_HOST=host)
    assert html_lang(asked) == "cy" and welsh("Confirm your subscription") in asked.content.decode()
    confirmed = client.post(confirm_path, HTTP_HOST=host)
    assert html_lang(confirmed) == "cy"
    assert welsh("You are subscribed") in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    _origin, preferences = link_in(confirmed.content.decode(), "preferences")
    assert preferences.startswith("/cy/subscriptions/preferences/")

    page = client.get(preferences, HTTP_HOST=host)
    assert (
        html_lang(page) == "cy" and welsh("Your newsletter subscriptions") in page.content.decode()
    )
    assert re.findall(r'<option value="(\w+)"', page.content.decode()) == ["en", "cy"]
    to_english = client.post(preferences, {"action": "language", "language": "en"}, HTTP_HOST=host)
    assert to_english.status_code == 303
    assert to_english["Location"].startswith("/subscriptions/preferences/")  # now in English
    assert Subscriber.objects.get(email=EMAIL).language == "en"
    back = client.post(preferences, {"action": "language", "language": "cy"}, HTTP_HOST=host)
    assert back["Location"].startswith("/cy/subscriptions/preferences/")
    assert Subscriber.objects.get(email=EMAIL).language == "cy"

    unsubscribe = _unsubscribe_path(subscription, "cy")
    asked = client.get(unsubscribe, HTTP_HOST=host)
    assert html_lang(asked) == "cy" and welsh("Unsubscribe") in asked.content.decode()
    done = client.post(unsubscribe, HTTP_HOST=host)
    assert html_lang(done) == "cy" and welsh("You are unsubscribed") in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED


def _unsubscribe_path(subscription, language: str) -> str:
    from django.urls import reverse

    from newsletter.tokens import unsubscribe_token

    with translation.override(language):
        return reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscription.pk)])


def test_the_confirmation_is_in_the_language_of_the_page_not_of_the_person(
    client, welsh_site, mailoutbox, django_capture_on_commit_callbacks
):
    """Someone already on another list in English, subscribing on a Welsh page: the mail about
    this subscription is in Welsh; the language of their newsletters is theirs to change."""
    site, host = welsh_site
    other_site = NATIONAL_HOST if host != NATIONAL_HOST else COVENTRY_HOST
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/subscriptions/subscribe/",
            signup_data(language="en", source=f"http://{other_site}/"),
            HTTP_HOST=other_site,
        )
    mailoutbox.clear()
    welsh_signup(client, django_capture_on_commit_callbacks, host, form_started=form_started())

    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "cy"
    assert link_in(message.body, "confirm")[1].startswith("/cy/subscriptions/confirm/")
    assert Subscriber.objects.get(email=EMAIL).language == "en"


# --- issues in each subscriber's language -------------------------------------------------------


def _issue(site, home):
    index_page(home)
    issue = add_issue_under(
        home, "Tea and talk", "Tea and talk this month", "Neighbours met at the library."
    )
    issue.save_revision().publish()
    return issue


def _translate(issue, title: str, subject: str, words: str):
    """The issue's Welsh version, made with Wagtail's translation copy, under a Welsh archive
    page of its own (an alias of the English archive would be English labelled Welsh)."""
    welsh = Locale.objects.get(language_code="cy")
    index = issue.get_parent()
    welsh_index = index.get_translation_or_none(welsh)
    if welsh_index is None or welsh_index.alias_of_id:
        if welsh_index is not None:
            welsh_index.delete()
        welsh_index = index.copy_for_translation(welsh, copy_parents=True)
        welsh_index.title = "Cylchlythyr"
        welsh_index.save_revision().publish()
    welsh_home = welsh_index.get_parent()
    if not welsh_home.live:  # the Welsh home a site gets as a draft when it starts offering Welsh
        welsh_home.save_revision().publish()
    welsh_issue = issue.copy_for_translation(welsh, True)
    welsh_issue.title, welsh_issue.subject = title, subject
    welsh_issue.body = [("paragraph", f"<p>{words}</p>")]
    welsh_issue.save_revision().publish()
    return welsh_issue


def _send(issue) -> dict:
    """Send the issue to its list; each recipient's message."""
    mail.outbox.clear()
    tasks.start_send(queue_send(issue).send.pk)
    return {message.to[0].split("<")[-1].rstrip(">"): message for message in mail.outbox}


def _subscribers(site, **languages):
    newsletter_list = NewsletterList.for_site(site)
    for email, language in languages.items():
        _confirmed(newsletter_list, email=email)
        Subscriber.objects.filter(email=email).update(language=language)


def test_a_translated_issue_reaches_each_subscriber_in_their_language(welsh_site):
    site, _host = welsh_site
    home = site.root_page.specific
    issue = _issue(site, home)
    _translate(issue, "Te a sgwrs", "Te a sgwrs y mis hwn", "Cwrddodd cymdogion yn y llyfrgell.")
    _subscribers(site, **{"en@example.com": "en", "cy@example.com": "cy"})

    received = _send(issue)

    english, welsh_copy = received["en@example.com"], received["cy@example.com"]
    assert english.subject == "Tea and talk this month"
    assert "Neighbours met at the library." in english.body
    assert welsh_copy.subject == "Te a sgwrs y mis hwn"
    assert "Cwrddodd cymdogion yn y llyfrgell." in welsh_copy.body
    assert "Neighbours met" not in welsh_copy.body
    assert '<html lang="cy">' in html_part(welsh_copy)
    assert f"{site.root_url}/cy/subscriptions/unsubscribe/" in welsh_copy.body
    assert f"{site.root_url}/subscriptions/unsubscribe/" in english.body
    assert welsh_copy.extra_headers["List-Unsubscribe"].startswith(
        f"<{site.root_url}/cy/subscriptions/unsubscribe/"
    )
    untranslated_note = _note("cy")
    assert untranslated_note not in welsh_copy.body and untranslated_note not in english.body


def _note(language: str) -> str:
    with translation.override(language):
        wanted = translation.get_language_info(language)["name_translated"]
        original = translation.get_language_info("en")["name_translated"]
        return gettext(
            "This newsletter is not available in %(wanted)s, so here it is in %(original)s."
        ) % {"wanted": wanted, "original": original}


def test_an_untranslated_issue_says_so_in_welsh_and_marks_the_english(welsh_site):
    site, _host = welsh_site
    issue = _issue(site, site.root_page.specific)
    _subscribers(site, **{"cy@example.com": "cy"})

    message = _send(issue)["cy@example.com"]

    assert message.subject == "Tea and talk this month"  # no Welsh subject to give
    assert message.body.startswith(_note("cy"))
    html = html_part(message)
    assert '<html lang="cy">' in html
    assert _note("cy") in html.replace("&#x27;", "'")
    assert re.search(r'<td class="content" lang="en"[^>]*>\s*<h1[^>]*>Tea and talk</h1>', html)
    assert f"{site.root_url}/cy/subscriptions/preferences/" in message.body


# --- a site without Welsh ---------------------------------------------------------------------


def test_a_site_without_welsh_never_sends_welsh(client, network, mailoutbox):
    """Coventry offers English only: a Welsh speaker on its list gets English, links in English,
    with no note; its /cy/ signup is a 404; an old /cy/ link still works, in English."""
    site = network.coventry_site
    assert client.get(WELSH_SUBSCRIBE, HTTP_HOST=COVENTRY_HOST).status_code == 404

    # A Welsh speaker (on another list, say) asking from a page once in Welsh: Coventry's mail
    # is in English all the same.
    pending = pending_subscription(NewsletterList.for_site(site), language="cy")
    Subscriber.objects.filter(email=EMAIL).update(language="cy")
    assert tasks.send_confirmation(pending.pk)
    [confirmation] = mailoutbox
    assert confirmation.extra_headers["Content-Language"] == "en"
    assert link_in(confirmation.body, "confirm")[1].startswith("/subscriptions/confirm/")

    issue = _issue(site, network.coventry_home.specific)
    _subscribers(site, **{"cy@example.com": "cy"})
    message = _send(issue)["cy@example.com"]
    assert '<html lang="en">' in html_part(message)
    assert "/cy/" not in message.body + html_part(message)
    assert _note("en") not in message.body

    subscription = Subscription.objects.get(subscriber__email="cy@example.com")
    old_link = client.get(_unsubscribe_path(subscription, "cy"), HTTP_HOST=COVENTRY_HOST)
    assert old_link.status_code == 200 and html_lang(old_link) == "en"


def test_preferences_offer_only_the_languages_of_the_subscribers_sites(client, network):
    """On Coventry's list only: English is the one language to choose; Welsh is refused."""
    _confirmed(NewsletterList.for_site(network.coventry_site))
    subscriber = Subscriber.objects.get(email=EMAIL)
    path = f"/subscriptions/preferences/{subscriber.token}/"
    page = client.get(path, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert re.findall(r'<option value="(\w+)"', page) == ["en"]

    refused = client.post(path, {"action": "language", "language": "cy"}, HTTP_HOST=COVENTRY_HOST)
    assert refused.status_code == 200
    assert "Choose one of the languages listed." in refused.content.decode()
    assert Subscriber.objects.get(email=EMAIL).language == "en"


# --- the words ----------------------------------------------------------------------------------

JOURNEY_WORDS = [
    "Your email address",
    "Check your inbox",
    "Confirm your subscription",
    "You are subscribed",
    "Your newsletter subscriptions",
    "Unsubscribe",
    "You are unsubscribed",
    "This newsletter is not available in %(wanted)s, so here it is in %(original)s.",
]


@pytest.mark.parametrize("words", JOURNEY_WORDS)
def test_the_welsh_journey_words_are_in_the_welsh_catalogue(words):
    """The pages above are only Welsh if the catalogue has these words in Welsh (locale/cy,
    made by the catalogue work of issue 12)."""
    assert welsh(words) != words


def test_the_consent_words_are_shown_and_recorded_in_welsh(
    client, welsh_site, django_capture_on_commit_callbacks
):
    """The list's default consent words are the project's own: a Welsh reader reads, and
    agrees to, their Welsh; the record keeps the words they saw."""
    site, host = welsh_site
    with translation.override("en"):
        english = str(DEFAULT_CONSENT_WORDING)
    page = client.get(WELSH_SUBSCRIBE, HTTP_HOST=host).content.decode()
    assert escape(welsh(english)) in page

    welsh_signup(client, django_capture_on_commit_callbacks, host)
    subscription = Subscription.objects.get(subscriber__email=EMAIL, newsletter_list__site=site)
    [record] = subscription.consent_records.all()
    assert record.wording == welsh(english)


def test_the_welsh_archive_lists_every_sent_issue_the_english_ones_marked(client, welsh_site):
    site, host = welsh_site
    home = site.root_page.specific
    english_only = _issue(site, home)
    translated = add_issue_under(home, "Walks", "Walks this month", "We walked.")
    translated.save_revision().publish()
    welsh_issue = _translate(translated, "Teithiau cerdded", "Cerdded y mis hwn", "Cerddon ni.")
    _send(english_only)
    _send(translated)

    response = client.get(welsh_issue.get_parent().get_url(), HTTP_HOST=host)
    assert response.status_code == 200 and html_lang(response) == "cy"
    html = response.content.decode()
    assert "Teithiau cerdded" in html and ">Walks<" not in html
    assert re.search(
        r'<li class="card" lang="en">\s*<h3[^>]*><a [^>]*hreflang="en">Tea and talk', html
    )
    assert welsh("Not available in this language yet: here is the original.") in html
