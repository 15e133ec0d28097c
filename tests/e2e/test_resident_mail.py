"""Residents hear back, in a real browser at phone width against the demo as `make demo` serves
it, its mail going to a real SMTP server (aiosmtpd, bench/harness/mail.py): a volunteer on
Coventry and a resident sharing a story on the national site each read their acknowledgement,
in the site's name, from the server."""

from email.utils import parseaddr

from playwright.sync_api import expect

from tests.e2e.support import needs_chromium, received, text_of
from tests.stories.share_form import STORY_TEXT

pytestmark = needs_chromium


def test_a_volunteer_on_coventry_reads_their_acknowledgement(mail_demo, mail_server, phone):
    resident = "dev.okafor@example.org"
    phone.goto(f"http://coventry.localhost:{mail_demo}/")
    phone.get_by_role("link", name="Volunteer your time, passions and skills").click()
    expect(phone).to_have_url(f"http://coventry.localhost:{mail_demo}/get-involved/volunteer/")
    phone.get_by_label("Your name").fill("Dev Okafor")
    phone.get_by_label("Email address").fill(resident)
    phone.get_by_label("Tell us a little about yourself").fill("Free on Tuesdays <b>afternoon</b>")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Thank you", exact=False).first).to_be_visible()

    (thanks,) = received(mail_server, resident)
    assert parseaddr(thanks["From"])[0] == "Connecting for Good Coventry"
    assert thanks["Subject"] == "Thank you for getting in touch with Connecting for Good Coventry"
    assert thanks["Reply-To"] == "coventry@connectioncoalition.example"
    body = text_of(thanks)
    assert "Dear Dev Okafor," in body and "What happens next" in body
    assert thanks.get_body(preferencelist=("html",)) is not None
    (team,) = received(mail_server, "coventry@connectioncoalition.example")
    assert team["Reply-To"] == resident


def test_a_resident_shares_a_story_on_the_national_site_and_reads_the_thanks(
    mail_demo, mail_server, phone
):
    resident = "amira@example.com"
    base = f"http://localhost:{mail_demo}"
    phone.goto(f"{base}/")
    menu = phone.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Menu").click()  # folded on a phone (test_accessibility)
    menu.get_by_role("link", name="Stories").click()
    phone.get_by_role("link", name="Share your story").first.click()
    expect(phone).to_have_url(f"{base}/stories/share/")
    phone.get_by_label("Your name").fill("Amira Khan")
    phone.get_by_label("Your email address").fill(resident)
    phone.get_by_label("Your town or city").fill("Bradford")
    phone.get_by_label("Your story").fill(STORY_TEXT)
    phone.get_by_label("I agree that my story").check()
    phone.get_by_role("button", name="Send my story").click()
    expect(phone).to_have_url(f"{base}/stories/share/thanks/")

    (thanks,) = received(mail_server, resident)
    assert parseaddr(thanks["From"])[0] == "Connection Coalition"
    assert thanks["Subject"] == "Thank you for sharing your story with Connection Coalition"
    body = text_of(thanks)
    assert "Dear Amira Khan," in body and "When my mum went into hospital" in body
