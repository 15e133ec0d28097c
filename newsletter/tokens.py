"""Signed tokens in newsletter links. Each kind has its own salt, so one can never pass for
another; none carries an email address."""

from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works for a week


def confirm_token(subscription_id: int) -> str:
    return signing.dumps({"s": subscription_id}, salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(subscription_id: int) -> str:
    """No expiry: an unsubscribe link in a years-old email must still work."""
    return signing.dumps({"s": subscription_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_confirm_token(token: str) -> int:
    """The subscription id; raises signing.SignatureExpired or signing.BadSignature."""
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["s"])


def read_unsubscribe_token(token: str) -> int:
    return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["s"])
