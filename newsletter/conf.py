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
    "NEWSLETTER_RETRY_BASE_SECONDS": None,  # None: the sweep period
    "NEWSLETTER_RETRY_MAX_SECONDS": 3600,
    "NEWSLETTER_UNSUBSCRIBE_EMAIL": "",  # "": the address of DEFAULT_FROM_EMAIL
    "NEWSLETTER_BOUNCE_EMAIL": "",  # "": bounces@ the domain of DEFAULT_FROM_EMAIL
    "NEWSLETTER_CONFIRMATION_RETRY_SECONDS": 60,
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


# --- confirmations --------------------------------------------------------------------------


def pending_sweep_after() -> timedelta:
    """A confirmation still unsent this long after the request had its enqueue fail (or its
    task lost): the sweep sends it. Long enough for a task on its way to get there first."""
    return timedelta(seconds=setting("NEWSLETTER_CONFIRMATION_RETRY_SECONDS"))
