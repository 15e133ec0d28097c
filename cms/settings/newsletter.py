"""The newsletter's settings (newsletter/conf.py has their defaults and meaning), read from the
environment; cms/settings/base.py takes them all. A module of their own keeps base.py short."""

from . import env
from .env import env_int, env_str

# Newsletter sending (newsletter/tasks.py).
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 100)
NEWSLETTER_CLAIM_TIMEOUT = env_int("NEWSLETTER_CLAIM_TIMEOUT", 300)  # seconds a claim may live
NEWSLETTER_SWEEP_SECONDS = env_int("NEWSLETTER_SWEEP_SECONDS", 60)
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 8)
NEWSLETTER_CONCURRENT_BATCHES = env_int("NEWSLETTER_CONCURRENT_BATCHES", 4)  # per send
# SMTP connections each worker process sends over at once (newsletter/pipeline/lanes.py).
NEWSLETTER_SMTP_CONNECTIONS = env_int("NEWSLETTER_SMTP_CONNECTIONS", 4)
# A 4xx or a dropped connection: retried after base * 2^attempt seconds (with jitter), capped.
NEWSLETTER_RETRY_BASE_SECONDS = env_int("NEWSLETTER_RETRY_BASE_SECONDS", NEWSLETTER_SWEEP_SECONDS)
NEWSLETTER_RETRY_MAX_SECONDS = env_int("NEWSLETTER_RETRY_MAX_SECONDS", 3600)
# The most the project's mail server (EMAIL_URL) takes, per second and per minute, from every
# worker together (unset: no limit). A list's own SMTP server has its rates in the admin.
NEWSLETTER_SMTP_RATE_PER_SECOND = env_int("NEWSLETTER_SMTP_RATE_PER_SECOND", 0) or None
NEWSLETTER_SMTP_RATE_PER_MINUTE = env_int("NEWSLETTER_SMTP_RATE_PER_MINUTE", 0) or None
# The mailbox of each email's List-Unsubscribe mailto: (default: DEFAULT_FROM_EMAIL's address).
# In production a mailbox of its own, delivered to `manage.py unsubscribe_by_email`.
NEWSLETTER_UNSUBSCRIBE_EMAIL = env_str("NEWSLETTER_UNSUBSCRIBE_EMAIL", "")
# Bounces and complaints (newsletter/bounces, README "Bounces and complaints").
NEWSLETTER_BOUNCE_EMAIL = env_str("NEWSLETTER_BOUNCE_EMAIL", "")  # "": bounces@ sender's domain
NEWSLETTER_SOFT_BOUNCE_LIMIT = env_int("NEWSLETTER_SOFT_BOUNCE_LIMIT", 3)
NEWSLETTER_SOFT_BOUNCE_DAYS = env_int("NEWSLETTER_SOFT_BOUNCE_DAYS", 90)
NEWSLETTER_RATES_DAYS = env_int("NEWSLETTER_RATES_DAYS", 30)
# Email services' webhook secrets (/anymail/<esp>/tracking/, newsletter/bounces/webhooks.py).
ANYMAIL = env.anymail_settings()
# Confirmation emails whose task was lost (broker down when the resident subscribed) are sent by
# a beat task every NEWSLETTER_CONFIRMATION_SWEEP_SECONDS, once they are this many seconds old.
NEWSLETTER_CONFIRMATION_SWEEP_SECONDS = env_int("NEWSLETTER_CONFIRMATION_SWEEP_SECONDS", 60)
NEWSLETTER_CONFIRMATION_RETRY_SECONDS = env_int("NEWSLETTER_CONFIRMATION_RETRY_SECONDS", 60)
