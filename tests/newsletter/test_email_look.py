"""The newsletter email looks like its site and says who sends it: the site's logo (an absolute
rendition URL, with alt text), colours and footer, the sender's postal address (PECR, CAN-SPAM),
every style inlined; a plain-text part that reads well; and the admin's email preview is exactly
what subscribers get, apart from their personal links. On Coventry and on a chapter made by
create_chapter (Leeds)."""

import re
from email import message_from_bytes, policy

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from newsletter.models import Delivery, NewsletterList, Send, Subscription
from newsletter.pipeline.compose import DeliveryEmails, recipient_of
from newsletter.pipeline.queueing import begin_send, queue_send
from newsletter.rendering import render_issue
from sites.models import SiteSettings
from tests.newsletter.admin_support import add_issue_under
from tests.newsletter.support import add_subscribers
from tests.shared_chapter import leeds_param

LOGO_ALT = "Our logo: two hands meeting"
ADDRESS = "Connecting for Good\nc/o Central Library\nCoventry CV1 1FY"


def _styled(html: str, tag: str) -> str:
    """The style attribute the inliner gave the first `tag` element."""
    match = re.search(rf"<{tag}\b[^>]*\sstyle=\"([^\"]*)\"", html)
    assert match, f"no inlined style on <{tag}>"
    return match[1]


@pytest.fixture(params=["coventry", leeds_param()])
def site_issue(request, network):
    """(issue, its site's settings) on Coventry (the demo's issue, its logo) or Leeds."""
    if request.param == "coventry":
        issue = request.getfixturevalue("coventry_issue")
    else:
        leeds = request.getfixturevalue("leeds")
        issue = add_issue_under(
            leeds.site.root_page,
            "Leeds in spring",
            "Leeds in spring: walks and tea",
            'Walks every Tuesday. <a href="/get-involved/">Get involved</a>.',
            live=True,
        )
    site_settings = SiteSettings.for_site(issue.get_site())
    site_settings.logo = get_image_model().objects.create(
        title="Logo", description=LOGO_ALT, file=get_test_image_file(size=(600, 200))
    )
    site_settings.email_logo = None  # the demo's PNG for emails would come first
    site_settings.postal_address = ADDRESS
    site_settings.primary_colour = "#123456"
    site_settings.accent_colour = "#654321"
    site_settings.footer_text = "A chapter of the Connection Coalition."
    site_settings.save()
    return issue, site_settings


def test_the_email_carries_the_sites_logo_colours_footer_and_postal_address(site_issue):
    issue, site_settings = site_issue
    root_url = issue.get_site().root_url
    rendered = render_issue(issue, "en")
    html = rendered.html

    assert "<style" not in html  # every rule inlined: mail clients that drop <style> see it all
    assert "font-size: 28px" in _styled(html, "h1")
    masthead = re.search(r'<td class="masthead"[^>]*style="([^"]*)"', html)[1]
    assert "background: #123456" in masthead and "#654321" in masthead
    assert "color: #123456" in _styled(html, "a")  # links in the site's colour
    logo = re.search(r'<td class="masthead".*?(<img [^>]*>)', html, re.S)[1]
    assert f'src="{root_url}/media/images/' in logo  # absolute: mail is read off the site
    assert f'alt="{LOGO_ALT}"' in logo and 'width="240" height="80"' in logo
    for image in re.findall(r"<img [^>]*>", html):
        assert "alt=" in image
    address = "Connecting for Good<br>c/o Central Library<br>Coventry CV1 1FY"
    assert re.search(r"<address[^>]*>\s*" + re.escape(address), html)
    assert f"Sent by {site_settings.display_name}" in html
    assert "A chapter of the Connection Coalition." in html
    assert ADDRESS in rendered.text and f"Sent by {site_settings.display_name}" in rendered.text


def test_the_text_part_reads_well(coventry_issue):
    text_part = render_issue(coventry_issue, "en").text

    title = "Receive our latest news: spring update"
    assert f"{title}\n{'=' * len(title)}" in text_part  # the title underlined
    assert "STORIES OF CONNECTION" in text_part  # headings stand out
    assert (
        "Volunteer your time, passions and skills "
        "(http://coventry.localhost/get-involved/volunteer/)" in text_part
    )  # a link as "text (url)"
    assert "\n- UK organisations collaborate to foster social connections\n" in text_part
    assert "<" not in text_part and "&amp;" not in text_part and "\n\n\n" not in text_part


def test_the_preview_is_exactly_what_is_sent(site_issue, client, superuser):
    """The editor's email preview and a subscriber's email differ only by the personal links
    (the preview has "#" where each subscriber's own links go)."""
    issue, _settings = site_issue
    newsletter_list = NewsletterList.for_site(issue.get_site())
    add_subscribers(newsletter_list, 1, prefix="preview")
    client.force_login(superuser)
    preview = client.get(
        reverse("wagtailadmin_pages:view_draft", args=[issue.pk]), {"mode": "email"}
    ).content.decode()

    send = queue_send(issue).send
    begin_send(send.pk)
    send = Send.objects.select_related("newsletter_list__site").get(pk=send.pk)
    delivery = Delivery.objects.select_related("subscription__subscriber").get(
        send=send, email__startswith="preview"
    )
    envelope = DeliveryEmails(send, list(send.renderings.all())).envelope(recipient_of(delivery))
    message = message_from_bytes(envelope.data, policy=policy.default)
    sent = message.get_body(("html",)).get_content().replace("\r\n", "\n")  # as on the wire
    subscription = Subscription.objects.get(pk=delivery.subscription_id)
    personal = re.findall(r'href="([^"]*(?:unsubscribe|preferences)[^"]*)"', sent)
    assert len(personal) == 2 and subscription.subscriber.token in personal[0] + personal[1]
    for url in personal:
        sent = sent.replace(f'href="{url}"', 'href="#"')
    assert preview.strip() == sent.strip()


SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80">'
    b'<rect width="80" height="80"/></svg>'
)


def test_an_svg_logo_is_mailed_as_the_logo_for_emails_or_else_as_the_sites_name(site_issue):
    """Gmail and Outlook do not show SVG: a site with an SVG logo mails its "logo for emails"
    (a PNG), and without one its name, never an <img> of the SVG."""
    from django.core.files.base import ContentFile

    issue, site_settings = site_issue
    images = get_image_model().objects
    site_settings.logo = images.create(
        title="SVG logo", description=LOGO_ALT, file=ContentFile(SVG_LOGO, name="logo.svg")
    )
    site_settings.save()
    masthead = re.search(r'<td class="masthead".*?</td>', render_issue(issue, "en").html, re.S)[0]
    assert "<img" not in masthead and site_settings.display_name in masthead

    site_settings.email_logo = images.create(
        title="PNG logo", description="Our logo for emails", file=get_test_image_file()
    )
    site_settings.save()
    masthead = re.search(r'<td class="masthead".*?</td>', render_issue(issue, "en").html, re.S)[0]
    (logo,) = re.findall(r"<img [^>]*>", masthead)
    assert 'alt="Our logo for emails"' in logo and ".png" in logo and ".svg" not in logo


def test_the_demo_sites_mail_their_logos_for_emails(network):
    """The demo's logos are SVG; each site also has its logo drawn as a PNG for emails."""
    for site in (network.national_site, network.coventry_site):
        site_settings = SiteSettings.for_site(site)
        assert site_settings.logo.is_svg()
        assert site_settings.email_logo is not None and not site_settings.email_logo.is_svg()
        assert site_settings.email_logo.description
