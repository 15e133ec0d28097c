"""Local development: `make demo`. Defaults that need no services."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-secret-key-change-me")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", ".localhost", "127.0.0.1", "[::1]"])
DEMO_CONTENT_ALLOWED = True
# `make demo PORT=8001`: links in mail follow the port the demo is served on.
WAGTAILADMIN_BASE_URL = env_str(
    "WAGTAILADMIN_BASE_URL", f"http://localhost:{env_int('PORT', 8000)}"
)
# DEBUG shows Django's technical 404; residents trying the demo see the site's own 404.
MIDDLEWARE = [*MIDDLEWARE, "cms.demo.middleware.BrandedNotFoundMiddleware"]  # noqa: F405
# The stand-in machine translator unless another is configured (README "Translating").
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(default="stand-in")  # noqa: F405
# `make demo` is one process: its page cache is purged by its own publishes (base.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
