"""Spam protection shared by every public form of the network (stories, membership, chapters).

Three cheap defences that need no third-party service and no JavaScript:

- a honeypot field people never see, which form-filling bots tend to fill in;
- a signed timestamp of when the form was shown: a forged or missing one is a bot, one
  submitted faster than a person can type is a bot, one older than two hours has expired;
- a rate limit per client, counted in the shared cache, answered with a branded 429 page.

Bots get one generic non-field error that does not say which check failed.
"""

import hashlib
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner, b62_encode
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .context import public_context

DEFAULT_MIN_SECONDS = 3
DEFAULT_MAX_AGE = 2 * 60 * 60

GENERIC_REJECTION = _(
    "Sorry, we could not accept this form. Please check it and send it again in a moment."
)
EXPIRED = _("This form has expired, please submit it again.")


class _Signer(TimestampSigner):
    """A TimestampSigner that can sign as of a given time (tests build old or fresh tokens)."""

    def __init__(self, *, salt: str, at: float | None = None):
        super().__init__(salt=salt)
        self._at = at

    def timestamp(self):
        return b62_encode(int(self._at if self._at is not None else time.time()))


def sign_timestamp(salt: str, at: float | None = None) -> str:
    """The token a form carries: the time it was shown, signed with the form's own salt."""
    started = time.time() if at is None else at
    return _Signer(salt=salt, at=started).sign(f"{started:.3f}")


class HoneypotInput(forms.TextInput):
    """Looks like an ordinary field to a bot; hidden from people and from the tab order."""

    def __init__(self):
        super().__init__(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "form-extra__input"}
        )


class AntiSpamFormMixin:
    """Mix into a Form or ModelForm: `class ShareStoryForm(AntiSpamFormMixin, forms.Form)`.

    Render the two extra fields with `{% include "includes/antispam_fields.html" %}`. Per form
    you may set `antispam_salt`, `antispam_min_seconds` and `antispam_max_age`; the setting
    `ANTISPAM_MIN_SECONDS`, when present, wins over every form (tests set it to 0).
    """

    honeypot_field_name = "website"
    # Used, in order, when the form has a real field of that name (a ModelForm with a website).
    honeypot_fallback_names = ("homepage", "web_address", "url", "company_website")
    timestamp_field_name = "form_started"
    antispam_salt: str | None = None
    antispam_min_seconds: float = DEFAULT_MIN_SECONDS
    antispam_max_age: int = DEFAULT_MAX_AGE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._token_reusable = False
        if self.timestamp_field_name in self.fields:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has a field named {self.timestamp_field_name!r}: set "
                "timestamp_field_name to another name."
            )
        # Never let the honeypot replace a real field: a person filling it would be "a bot".
        if self.honeypot_field_name in self.fields:
            free = [name for name in self.honeypot_fallback_names if name not in self.fields]
            if not free:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}: set honeypot_field_name to a name it does not use."
                )
            self.honeypot_field_name = free[0]
        self.fields[self.honeypot_field_name] = forms.CharField(
            label=_("Leave this empty"), required=False, widget=HoneypotInput()
        )
        self.fields[self.timestamp_field_name] = forms.CharField(
            required=False, widget=forms.HiddenInput()
        )

    # --- what the template renders ---------------------------------------------------------

    @classmethod
    def get_antispam_salt(cls) -> str:
        return cls.antispam_salt or f"antispam:{cls.__module__}.{cls.__qualname__}"

    @property
    def honeypot_field(self):
        return self[self.honeypot_field_name]

    @property
    def timestamp_input_name(self) -> str:
        return self.add_prefix(self.timestamp_field_name)

    @property
    def antispam_token(self) -> str:
        """The timestamp to render: the submitted one while it is still good (the time a person
        spends correcting errors counts), else a fresh one (an expired form works again)."""
        if self.is_bound and self._token_reusable:
            return self.data.get(self.add_prefix(self.timestamp_field_name), "")
        return sign_timestamp(self.get_antispam_salt())

    # --- validation ----------------------------------------------------------------------

    def get_antispam_min_seconds(self) -> float:
        return getattr(settings, "ANTISPAM_MIN_SECONDS", self.antispam_min_seconds)

    def clean(self):
        cleaned_data = super().clean()
        self._check_antispam()
        return cleaned_data

    def _check_antispam(self) -> None:
        honeypot = self.data.get(self.add_prefix(self.honeypot_field_name), "")
        token = self.data.get(self.add_prefix(self.timestamp_field_name), "")
        if not isinstance(token, str) or not token:
            raise forms.ValidationError(GENERIC_REJECTION, code="spam")
        signer = TimestampSigner(salt=self.get_antispam_salt())
        try:
            started = float(signer.unsign(token, max_age=self.antispam_max_age))
        except SignatureExpired:
            raise forms.ValidationError(EXPIRED, code="expired") from None
        except (BadSignature, ValueError):
            raise forms.ValidationError(GENERIC_REJECTION, code="spam") from None
        self._token_reusable = True
        if honeypot:
            raise forms.ValidationError(GENERIC_REJECTION, code="spam")
        if time.time() - started < self.get_antispam_min_seconds():
            raise forms.ValidationError(GENERIC_REJECTION, code="spam")


# --- rate limiting -----------------------------------------------------------------------


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address `TRUSTED_PROXY_COUNT` proxies back in X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so the client is the
    n-th entry from the right; anything further left was written by the client and is ignored.
    """
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(
    request, scope: str, limit: int, window_seconds: int, *, client: str | None = None
) -> bool:
    """Count this request against `limit` per `window_seconds` for its client; True when over.

    A fixed window shared by every web process through the cache: `add` creates the counter
    atomically, `incr` is atomic on Redis and memcached. `client` is what is counted: the
    client's address by default, or e.g. an email address. It is hashed (with the secret key)
    so the cache holds no personal data. Sets `request.rate_limit_retry_after`.
    """
    now = int(time.time())
    window = max(int(window_seconds), 1)
    bucket = now // window
    counted = client_ip(request) if client is None else client
    hashed = salted_hmac("cms.core.antispam.rate_limited", counted).hexdigest()
    scope_key = hashlib.sha256(scope.encode()).hexdigest()[:16]
    key = f"ratelimit:{scope_key}:{bucket}:{hashed}"
    request.rate_limit_retry_after = window - (now % window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count > limit


def too_many_requests(request, retry_after: int | None = None):
    """The branded 429 page, with Retry-After (seconds until the client's window ends)."""
    seconds = int(retry_after or getattr(request, "rate_limit_retry_after", 60))
    minutes = max(1, -(-seconds // 60))
    context = {**public_context(request), "retry_after_minutes": minutes}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
