"""The SMTP servers a list may send through (chapters often have their own provider account),
with the rate each allows. A server's password is kept encrypted at rest (Fernet, with a key
derived from SECRET_KEY) and never shown back: the admin only ever replaces or clears it."""

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# A host name or an IP address, nothing else: no scheme, port, path or space.
# (A name or IPv4 address has no colon; an IPv6 address has at least two.)
HOST_VALIDATOR = RegexValidator(
    r"\A([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)\Z",
    _("Enter a host name like smtp.example.org, or an IP address, without smtp:// or a port."),
)
# Rates above this are no limit a provider would set; the bound keeps the pacing arithmetic sane.
MAX_RATE = 100_000


def _fernet_key(secret: str) -> bytes:
    # Its own derivation (not SECRET_KEY itself): a key made for this one use.
    digest = hashlib.sha256(b"newsletter.SmtpServer.password:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS, so rotating
    the key (the old one kept as a fallback) does not lose the stored passwords."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])


class SmtpServer(models.Model):
    """An SMTP server (a provider account) that lists may send through instead of the
    project's EMAIL_URL; set up by the national team, chosen on each list's settings."""

    class Security(models.TextChoices):
        NONE = "none", _("None (plain SMTP)")
        STARTTLS = "starttls", _("STARTTLS (usually port 587)")
        SSL = "ssl", _("SSL/TLS from the start (usually port 465)")

    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("e.g. Coventry's Mailgun account")
    )
    host = models.CharField(_("host"), max_length=253, validators=[HOST_VALIDATOR])
    port = models.PositiveIntegerField(
        _("port"), default=587, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    username = models.CharField(_("username"), max_length=255, blank=True)
    # Fernet token of the password ("" for none): never rendered, see the `password` property.
    password_encrypted = models.TextField(blank=True, editable=False)
    rate_per_second = models.PositiveIntegerField(
        _("messages per second"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE)],
        help_text=_("The most this server accepts each second, from every worker together."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE)],
        help_text=_("The most this server accepts each minute. Leave both empty for no limit."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SMTP server")
        verbose_name_plural = _("SMTP servers")

    def __str__(self) -> str:
        return self.name

    @property
    def password(self) -> str:
        """The password in clear, for logging in; "" when none is kept, or when it was
        encrypted with a SECRET_KEY no longer known (logged: enter it again)."""
        if not self.password_encrypted:
            return ""
        try:
            return _fernet().decrypt(self.password_encrypted.encode()).decode()
        except InvalidToken:
            logger.error(
                "SMTP server %s: its password cannot be decrypted (SECRET_KEY changed?); "
                "enter it again in the admin",
                self.pk,
            )
            return ""

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = _fernet().encrypt(value.encode()).decode() if value else ""

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def rate_key(self) -> str:
        """What the rate limiter counts against: the provider account (the same host, port
        and login share one limit, whichever rows name them)."""
        return f"{self.host.lower()}:{self.port}:{self.username}"
