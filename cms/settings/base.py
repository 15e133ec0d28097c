"""Settings shared by every environment. The environment is read here and only here."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from wagtail.embeds import oembed_providers

from . import env
from .env import env_bool, env_int, env_list, env_str
from .env import machine_translator_settings as machine_translator

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")  # dev/test give a default; production requires it
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Our apps first so their templates and static files win.
    "newsletter",
    "chapters",
    "cms.embed",
    "sites.apps.NetworkSitesConfig",
    "cms.formpages",
    "cms.accounts",
    "cms.coalition",
    "cms.stories",
    "cms.core",
    "cms.demo",
    "cms.api",
    "cms.network",
    # Wagtail and its translation layer.
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.forms",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Editors' login protection and two-factor authentication (cms/accounts).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "corsheaders",
    # Email services' tracking webhooks (newsletter/bounces/webhooks.py).
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Request/response hardening (cms/security): before anything reads a request body.
    "cms.security.charsets.RequestCharsetMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "cms.security.csp.SiteAndAdminCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous pages from the shared cache (cms/core/page_cache.py): after CSRF, so a cached
    # form gets a fresh token and cookie; before anything that reads the user or the session.
    "cms.core.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then the admin stays closed until a device's code is given.
    "django_otp.middleware.OTPMiddleware",
    "cms.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out login attempt with the lockout page.
    "axes.middleware.AxesMiddleware",
]
# CORS only on what other websites call: the widget endpoints, oEmbed and the API (GET).
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(embed|oembed|api/v2)/.*$"
CORS_ALLOW_METHODS = ("GET", "OPTIONS", "POST")
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sites.context_processors.site_context",
            ],
        },
    },
]

# Database: one for every site. SQLite under var/ when DATABASE_URL is not set.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its folder
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every web process), else in-process memory.
REDIS_URL = env_str("REDIS_URL")
CACHES = env.cache_settings(REDIS_URL)
# Anonymous pages in that cache, purged with their site (cms/core/page_cache.py); 0 = off, the
# default without a shared cache (one process's purge would not reach the others' memory). An
# HTTP cache in front (FRONTEND_CACHE, env.py) keeps them s-maxage seconds, purged with them.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600 if env.shared_cache(REDIS_URL) else 0)
PAGE_CACHE_NOT_FOUND_SECONDS = env_int("PAGE_CACHE_NOT_FOUND_SECONDS", 30)
PAGE_CACHE_SHARED_SECONDS = env_int("PAGE_CACHE_SHARED_SECONDS", 300)
WAGTAILFRONTENDCACHE = env.frontend_cache_settings()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: every site is translatable; each site picks which locales it offers.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [PROJECT_DIR / "core" / "locale"]  # in cms.core: the wheel ships it to hosts
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# British dates, site-wide and in the admin: "en" gets our format module (cms/formats/en; Django's
# is American); the settings below are the fallback and say the same, as Wagtail's pickers do.
FORMAT_MODULE_PATH = ["cms.formats"]
DATE_FORMAT = "j F Y"  # 25 October 2006
DATETIME_FORMAT = "j F Y, H:i"  # 25 October 2006, 14:30
SHORT_DATE_FORMAT = "d/m/Y"  # 25/10/2006
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

# Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Serve uploads from Django itself (single-host installs such as docker-compose); else a CDN/proxy.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: over SMTP when EMAIL_URL is set; otherwise files under var/outbox (see /dev/outbox/).
EMAIL_URL = env_str("EMAIL_URL")
EMAIL_FILE_PATH = VAR_DIR / "outbox"
if EMAIL_URL:
    globals().update(env.email_settings_from_url(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Connection Coalition <hello@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# DKIM keys per sending domain (README "Signed mail"); none: the newsletter's mail is unsigned.
DKIM_KEYS = env.dkim_keys(DEFAULT_FROM_EMAIL)

# Celery: Redis broker when REDIS_URL is set; otherwise tasks run in-process, same code path.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL) and not env_str("CELERY_BROKER_URL")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# cms/celery.py closes a task's old database connections as Django closes a request's
# (DATABASE_CONN_MAX_AGE); Celery's own fixup, which closes every one around each task, never.
CELERY_DB_REUSE_MAX = 10**9
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Broker down: a request gives up enqueueing within a second (the sweeps below catch up).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = dict(
    max_retries=2, interval_start=0, interval_step=0.2, interval_max=0.4
)
CELERY_TIMEZONE = TIME_ZONE
# Newsletter sending, bounces and complaints: cms/settings/newsletter.py.
from .newsletter import *  # noqa: E402, F403
from .newsletter import (  # noqa: E402  (the beat schedule below reads these)
    NEWSLETTER_CONFIRMATION_SWEEP_SECONDS,
    NEWSLETTER_SWEEP_SECONDS,
)

# The network dashboard's snapshot of every site's figures (cms/network), overwritten each run.
NETWORK_SNAPSHOT_SECONDS = env_int("NETWORK_SNAPSHOT_SECONDS", 3600)

CELERY_BEAT_SCHEDULE = {
    # Stories whose consent lapsed are hidden at once by the public queries; this unpublishes
    # them and tells their editors.
    "withdraw-lapsed-stories": {
        "task": "cms.stories.tasks.withdraw_lapsed_stories",
        "schedule": env_int("STORY_CONSENT_CHECK_SECONDS", 3600),
    },
    # Puts claims of dead workers back in the queue, re-enqueues batches of sends whose broker
    # messages were lost, starts scheduled sends that are due (beat polls the database).
    "newsletter-sweep": {
        "task": "newsletter.tasks.sweep_sends",
        "schedule": NEWSLETTER_SWEEP_SECONDS,
    },
    "newsletter-pending-confirmations": {
        "task": "newsletter.subscriptions.send_pending_confirmations",
        "schedule": NEWSLETTER_CONFIRMATION_SWEEP_SECONDS,
    },
    "newsletter-purge-unconfirmed": {
        "task": "newsletter.subscriptions.purge_unconfirmed",
        "schedule": 24 * 3600,
    },
    # Tasks a request could not enqueue while the broker was down (cms/core/queue.py).
    "retry-deferred-tasks": {
        "task": "cms.core.tasks.retry_deferred_tasks",
        "schedule": env_int("DEFERRED_TASK_RETRY_SECONDS", 60),
    },
    "delete-expired-form-submissions": {
        "task": "cms.formpages.tasks.delete_expired_submissions",
        "schedule": env_int("FORM_RETENTION_CHECK_SECONDS", 24 * 3600),
    },
    "network-snapshot": {
        "task": "cms.network.tasks.snapshot_network",
        "schedule": NETWORK_SNAPSHOT_SECONDS,
    },
}

# Wagtail.
WAGTAIL_SITE_NAME = "Connection network"
# Links in mail sent without a request or a site (Wagtail's own notifications); a chapter's
# item links to its Site.root_url (cms/core/mail.py), a password reset to the host asked on.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.accounts.password_reset.SiteAwarePasswordResetForm"  # noqa: S105 - a class path
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# SVG for logos (served as they are: templates give {% image %} the `preserve-svg` option).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True
# Moderation mail goes to each site's own reviewers, not to every superuser of the network.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Machine translation (README "Translating"): LibreTranslate once LIBRETRANSLATE_URL is set.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(default="off")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Public forms (cms/core/antispam.py): a form sent back faster than this is a bot's.
ANTISPAM_MIN_SECONDS = env_int("ANTISPAM_MIN_SECONDS", 3)
# Proxies in front of the web processes that append X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Editors' accounts (cms/accounts): login lockout, password-reset throttle, 2FA -----------
# django-axes counts failed admin sign-ins per username + client address (the address as
# TRUSTED_PROXY_COUNT says, like every rate limit here) and refuses that pair, even with the
# right password, for the cool-off. Unlock: `manage.py axes_reset_username USERNAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that pair's failures
AXES_CLIENT_IP_CALLABLE = "cms.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "cms.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False  # no Django admin is mounted; the commands above manage lockouts
# Admin password resets (cms/accounts/password_reset.py), counted in the shared cache.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 10)
PASSWORD_RESET_WINDOW_SECONDS = env_int("PASSWORD_RESET_WINDOW_SECONDS", 3600)
# Two-factor authentication (django-otp TOTP): any editor may enrol; once enrolled, the admin
# asks for a code after the password. When required, superusers without a device are sent to
# enrolment (production turns this on by default).
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool("TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", WAGTAIL_SITE_NAME)
# --- end of editors' accounts ---------------------------------------------------------------

# Security defaults that hold everywhere; production tightens the rest.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# --- Content-Security-Policy and Permissions-Policy (cms/security) -----------------------------
# Public pages get a strict policy (no inline script or style; embeds only from the providers
# in CSP_FRAME_SRC, which are also the only ones editors can embed); the admin gets what
# Wagtail's admin needs (cms/security/csp.py). CSP_REPORT_ONLY=1 sends both as
# Content-Security-Policy-Report-Only instead; CSP_REPORT_URI names where browsers report.
SECURITY_CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
_csp_report_uri = env_str("CSP_REPORT_URI", "")
_csp_frame_src = env_list(
    "CSP_FRAME_SRC",
    ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
)
_csp_common = {
    "default-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],  # Wagtail's preview panel frames our own pages
    "report-uri": [_csp_report_uri] if _csp_report_uri else None,
}
SECURITY_CSP_PUBLIC = {
    **_csp_common,
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *env_list("CSP_IMG_SRC", [])],  # e.g. a CDN for MEDIA_URL
    "font-src": ["'self'"],
    "frame-src": _csp_frame_src,
}
# Wagtail 8's admin still writes inline <script> (inline panels, date pickers) and style
# attributes throughout, so both need 'unsafe-inline' there; everything else stays 'self'.
SECURITY_CSP_ADMIN = {
    **_csp_common,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *env_list("CSP_IMG_SRC", [])],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'", *_csp_frame_src],
    "worker-src": ["'self'", "blob:"],
}
# Avatars from gravatar.com would need an exception in the admin's policy and tell gravatar
# who our editors are: editors upload an avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_FINDERS = [
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [oembed_providers.youtube, oembed_providers.vimeo],
    },
]
# Browser features no page of ours uses; denied to the page and to every embed it holds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (  # noqa: SIM905 - one string of names reads shorter than 18 lines of them
        "accelerometer ambient-light-sensor bluetooth browsing-topics camera display-capture "
        "geolocation gyroscope hid idle-detection interest-cohort magnetometer microphone midi "
        "payment serial usb xr-spatial-tracking"
    ).split()
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"cms": {"level": env_str("LOG_LEVEL", "INFO")}},
}
