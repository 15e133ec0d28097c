"""The test suite: fast hashing, media in a temp dir (conftest), mail in memory unless asked, and
a test database that outlives the run (pytest's --reuse-db; tests/demo_db.py says when it is
rebuilt)."""

from .base import *  # noqa: F403
from .env import env_str

# The embedded SQLite default tests in a file of its own under var/ (never the demo's db.sqlite3),
# so `--reuse-db` keeps it between runs; pytest-django suffixes it per xdist worker (_gw0 ...).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-only-secret-key")  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://localhost"
DEMO_CONTENT_ALLOWED = True
# Each test process keeps its own cache so tests never see each other's site-root cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests see their own writes at once: the page cache is on only where a test turns it on
# (tests/core/test_page_cache.py and the tests of what purges it).
PAGE_CACHE_SECONDS = 0
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
# Tasks run in-process unless a test starts a real worker (those tests override this).
CELERY_TASK_ALWAYS_EAGER = True
# A real worker under test (tests/newsletter/harness.py): tasks from Redis, mail to EMAIL_URL.
if env_str("CELERY_EAGER", "1") == "0":
    CELERY_TASK_ALWAYS_EAGER, EMAIL_BACKEND = False, "django.core.mail.backends.smtp.EmailBackend"
# The stand-in machine translator unless another is configured (README "Translating").
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(default="stand-in")  # noqa: F405
