"""Which SMTP server a list's mail goes through: the list's own (an SmtpServer chosen by the
national team), else the project's mail settings (EMAIL_URL → EMAIL_*). The batch's Mailer,
the test-connection button and the limiter's key all start here."""

from django.conf import settings
from django.core.mail import get_connection

from ..models import NewsletterList, SmtpServer

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_TIMEOUT = 30  # seconds, when EMAIL_TIMEOUT is not set


def server_of(newsletter_list: NewsletterList | None) -> SmtpServer | None:
    if newsletter_list is None or newsletter_list.smtp_server_id is None:
        return None
    return newsletter_list.smtp_server


def server_settings(server: SmtpServer) -> dict:
    """The keyword arguments of Django's SMTP EmailBackend for one server."""
    return {
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "password": server.password,
        "use_tls": server.security == SmtpServer.Security.STARTTLS,
        "use_ssl": server.security == SmtpServer.Security.SSL,
        "timeout": getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT,
    }


def connection_settings(newsletter_list: NewsletterList | None) -> dict:
    """host, port, username, password, use_tls, use_ssl and timeout of the server the list's
    mail goes through: its own, else the project's EMAIL_* settings."""
    server = server_of(newsletter_list)
    if server is not None:
        return server_settings(server)
    return {
        "host": settings.EMAIL_HOST,
        "port": settings.EMAIL_PORT,
        "username": settings.EMAIL_HOST_USER,
        "password": settings.EMAIL_HOST_PASSWORD,
        "use_tls": settings.EMAIL_USE_TLS,
        "use_ssl": settings.EMAIL_USE_SSL,
        "timeout": settings.EMAIL_TIMEOUT or DEFAULT_TIMEOUT,
    }


def open_connection(newsletter_list: NewsletterList | None):
    """An unopened connection for the list's mail. A list with its own server always speaks
    SMTP to it; the others use the project's EMAIL_BACKEND as configured (SMTP to EMAIL_URL,
    or the outbox folder of the embedded setup), so nothing changes for them."""
    if server_of(newsletter_list) is not None:
        return get_connection(
            SMTP_BACKEND, fail_silently=False, **connection_settings(newsletter_list)
        )
    return get_connection(fail_silently=False)


def rate_key(newsletter_list: NewsletterList | None) -> str:
    """The provider account the list's mail counts against: host:port:username."""
    server = server_of(newsletter_list)
    if server is not None:
        return server.rate_key
    return f"{settings.EMAIL_HOST.lower()}:{settings.EMAIL_PORT}:{settings.EMAIL_HOST_USER}"


CHECK_TIMEOUT = 10  # seconds: the admin's test waits no longer for an answer


def check_server(server: SmtpServer) -> str:
    """Connect to the server as a batch would (TLS as set, then the login), ask NOOP and hang
    up: the server's answer. Raises what smtplib or the socket raised when it fails."""
    options = server_settings(server)
    options["timeout"] = min(options["timeout"], CHECK_TIMEOUT)
    connection = get_connection(SMTP_BACKEND, fail_silently=False, **options)
    connection.open()
    try:
        code, text = connection.connection.noop()
    finally:
        connection.close()
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
