"""What the widget endpoint tests share: the endpoints, a member's website's origin, and the
signup body the widget posts (with a signed timestamp as /embed/config/ gives it)."""

import json

from tests.conftest import COVENTRY_HOST
from tests.helpers import with_overrides
from tests.newsletter.subscriptions_support import form_started

CONFIG_URL = "/embed/config/"
STORIES_URL = "/embed/stories/"
SIGNUP_URL = "/embed/signup/"
MEMBER_ORIGIN = "https://www.ageuk-coventry.example"
EMAIL = "sam.widget@example.org"


def signup_body(**overrides) -> dict:
    defaults = {
        "list": "coventry",
        "email": EMAIL,
        "name": "Sam Patel",
        "language": "en",
        "consent": True,
        "source": "age-uk-coventry",
        "website": "",
        "form_started": form_started(),
    }
    return with_overrides(defaults, overrides)


def post_signup(client, body=None, host=COVENTRY_HOST, origin=MEMBER_ORIGIN, **overrides):
    """POST as the widget does from a member's page: JSON, cross-origin, no cookies."""
    payload = body if body is not None else json.dumps(signup_body(**overrides))
    return client.generic(
        "POST",
        SIGNUP_URL,
        payload,
        content_type="application/json",
        HTTP_HOST=host,
        HTTP_ORIGIN=origin,
    )
