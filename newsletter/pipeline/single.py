"""One email of a list outside a send (the subscription confirmation, an editor's test copy):
through the list's SMTP server and at its rate, as a batch sends, so a chapter with its own
provider account has all of its mail go there and the provider's limit counts it too."""

from django.core.mail import EmailMessage

from ..models import NewsletterList
from .ratelimit import limiter_for
from .servers import open_connection


def send_for_list(message: EmailMessage, newsletter_list: NewsletterList) -> int:
    """Send `message` through the list's server once its rate allows; what send() returns."""
    message.connection = open_connection(newsletter_list)
    limiter_for(newsletter_list).acquire()
    return message.send()
