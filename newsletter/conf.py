"""The newsletter's settings, each read when used (so a test or a worker's environment can
change it), with the defaults and limits the code relies on. The environment is read in
cms/settings/base.py; this module only turns settings into the values the app works with, and
gives each its default, so a project without our settings (README "Add to an existing Wagtail
project") needs none of them."""

import random
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings

# A pending subscription asked for again gets a new confirmation email, at most this often.
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)
# A subscription never confirmed is deleted (with its person, if that was their only one).
UNCONFIRMED_LIFETIME = timedelta(days=30)
# How far the clocks of web and worker machines may disagree (see token_is_current).
CLOCK_SKEW = timedelta(minutes=1)

DEFAULTS = {
    "NEWSLETTER_BATCH_SIZE": 100,
    "NEWSLETTER_CLAIM_TIMEOUT": 300,  # seconds a claim may live
    "NEWSLETTER_SWEEP_SECONDS": 60,
    "NEWSLETTER_MAX_ATTEMPTS": 8,
    "NEWSLETTER_CONCURRENT_BATCHES": 4,
    "NEWSLETTER_SMTP_CONNECTIONS": 4,  # per worker process
    "NEWSLETTER_RETRY_BASE_SECONDS": None,  # None: the sweep period
    "NEWSLETTER_RETRY_MAX_SECONDS": 3600,
    "NEWSLETTER_UNSUBSCRIBE_EMAIL": "",  # "": the address of DEFAULT_FROM_EMAIL
    "NEWSLETTER_BOUNCE_EMAIL": "",  # "": bounces@ the domain of DEFAULT_FROM_EMAIL
    "NEWSLETTER_CONFIRMATION_RETRY_SECONDS": 60,
    "NEWSLETTER_SMTP_RATE_PER_SECOND": None,  # the project's mail server (EMAIL_URL); None: none
    "NEWSLETTER_SMTP_RATE_PER_MINUTE": None,
    "NEWSLETTER_SOFT_BOUNCE_LIMIT": 3,  # soft bounces (of different sends) that suppress
    "NEWSLETTER_SOFT_BOUNCE_DAYS": 90,  # ... counted over this many days
    "NEWSLETTER_RATES_DAYS": 30,  # the period of a list's bounce and complaint rates
    "DKIM_KEYS": {},  # {domain: {"selector": ..., "private_key": PEM}}; {}: mail unsigned
}


def setting(name: str):
    """The project's value of one of DEFAULTS, else its default."""
    return getattr(settings, name, DEFAULTS[name])


# --- sending --------------------------------------------------------------------------------


def batch_size() -> int:
    return max(1, setting("NEWSLETTER_BATCH_SIZE"))


def claim_timeout() -> timedelta:
    return timedelta(seconds=setting("NEWSLETTER_CLAIM_TIMEOUT"))


def concurrent_batches() -> int:
    """Batch tasks kept in flight per send: enough for every worker process to take one."""
    return max(1, setting("NEWSLETTER_CONCURRENT_BATCHES"))


def smtp_connections() -> int:
    """Connections to the mail server each worker process sends over at once (lanes): while
    one waits for the server's answer, the others send."""
    return max(1, setting("NEWSLETTER_SMTP_CONNECTIONS"))


def max_attempts() -> int:
    """Tries of one delivery before it is failed for good."""
    return setting("NEWSLETTER_MAX_ATTEMPTS")


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter after the attempts-th temporary failure: base·2^(n-1),
    capped, then a random point in its upper half so retries from one outage spread out.
    The base defaults to the sweep period: a retry is never due much sooner than a sweep."""
    base = setting("NEWSLETTER_RETRY_BASE_SECONDS") or setting("NEWSLETTER_SWEEP_SECONDS")
    cap = setting("NEWSLETTER_RETRY_MAX_SECONDS")
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(delay / 2, delay))


def stalled_after() -> timedelta:
    """A sending send with due rows and no claim for this long has lost its batch tasks."""
    return timedelta(seconds=2 * setting("NEWSLETTER_SWEEP_SECONDS"))


def default_server_rates() -> tuple[int | None, int | None]:
    """(per second, per minute) for the project's own mail server; a list with its own SMTP
    server uses that server's rates instead. None (or 0): no limit."""
    per_second = setting("NEWSLETTER_SMTP_RATE_PER_SECOND")
    per_minute = setting("NEWSLETTER_SMTP_RATE_PER_MINUTE")
    return (per_second if per_second and per_second > 0 else None), (
        per_minute if per_minute and per_minute > 0 else None
    )


def rate_limit_redis_url() -> str:
    """The Redis all workers share their SMTP rates through: the project's REDIS_URL. Without
    one (the embedded setup) each process paces itself."""
    return getattr(settings, "REDIS_URL", "") or ""


# --- addresses ------------------------------------------------------------------------------


def sender_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def unsubscribe_mailbox() -> str:
    return setting("NEWSLETTER_UNSUBSCRIBE_EMAIL") or sender_address()


def bounce_mailbox() -> str:
    """The mailbox that receives bounces and complaints; each delivery's envelope sender is
    this address with a VERP token after a "+" (newsletter.verp)."""
    configured = setting("NEWSLETTER_BOUNCE_EMAIL")
    if configured:
        return parseaddr(configured)[1] or configured
    return "bounces@" + sender_address().rpartition("@")[2]


# --- bounces and complaints -----------------------------------------------------------------

# Above these a list's figures carry a warning: Gmail and Yahoo ask bulk senders to keep spam
# complaints under 0.3 %; a bounce rate over 2 % says the list holds dead addresses.
COMPLAINT_RATE_WARNING = 0.003
BOUNCE_RATE_WARNING = 0.02


def soft_bounce_limit() -> int:
    """Soft bounces (each of a different send) after which an address is suppressed on the
    list, as a hard bounce would suppress it at once."""
    return max(1, setting("NEWSLETTER_SOFT_BOUNCE_LIMIT"))


def soft_bounce_window() -> timedelta:
    return timedelta(days=max(1, setting("NEWSLETTER_SOFT_BOUNCE_DAYS")))


def rates_window() -> timedelta:
    """The period over which a list's bounce and complaint rates are counted."""
    return timedelta(days=max(1, setting("NEWSLETTER_RATES_DAYS")))


# --- confirmations --------------------------------------------------------------------------


def pending_sweep_after() -> timedelta:
    """A confirmation still unsent this long after the request had its enqueue fail (or its
    task lost): the sweep sends it. Long enough for a task on its way to get there first."""
    return timedelta(seconds=setting("NEWSLETTER_CONFIRMATION_RETRY_SECONDS"))
