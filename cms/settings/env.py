"""Typed readers for environment variables. Only settings modules import this."""

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings_from_url(url: str) -> dict:
    """Turn smtp://user:pass@host:port?tls=1 (or smtps:// for implicit TLS) into Django settings."""
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or smtps://, not {url!r}.")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    use_ssl = parsed.scheme == "smtps" or query.get("ssl", "").lower() in TRUE_VALUES
    use_tls = query.get("tls", "").lower() in TRUE_VALUES
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if use_ssl else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout", "30")),
    }


MACHINE_TRANSLATORS = {
    "libretranslate": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
    "stand-in": "sites.machine_translation.StandInTranslator",
}


def machine_translator_settings(default: str) -> dict | None:
    """WAGTAILLOCALIZE_MACHINE_TRANSLATOR from MACHINE_TRANSLATOR (libretranslate, stand-in or
    off; unset: libretranslate when LIBRETRANSLATE_URL is set, else `default`), with
    LIBRETRANSLATE_URL and LIBRETRANSLATE_API_KEY."""
    url = env_str("LIBRETRANSLATE_URL", "")
    choice = env_str("MACHINE_TRANSLATOR", "libretranslate" if url else default).strip().lower()
    if choice == "off":
        return None
    if choice not in MACHINE_TRANSLATORS:
        raise ImproperlyConfigured(
            f"MACHINE_TRANSLATOR={choice!r}: use libretranslate, stand-in or off."
        )
    options = {}
    if choice == "libretranslate":
        if not url:
            raise ImproperlyConfigured(
                "MACHINE_TRANSLATOR=libretranslate needs LIBRETRANSLATE_URL."
            )
        options = {
            "LIBRETRANSLATE_URL": url.rstrip("/"),
            "API_KEY": env_str("LIBRETRANSLATE_API_KEY", ""),
        }
    return {"CLASS": MACHINE_TRANSLATORS[choice], "OPTIONS": options}


FRONTEND_CACHE_BACKENDS = {
    "varnish": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
    "cloudflare": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
    "cloudfront": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
}


def frontend_cache_settings() -> dict | None:
    """WAGTAILFRONTENDCACHE from FRONTEND_CACHE (varnish, cloudflare, cloudfront; unset: none):
    varnish purges FRONTEND_CACHE_URL (e.g. http://varnish:80) with HTTP PURGE requests;
    cloudflare needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID; cloudfront needs
    CLOUDFRONT_DISTRIBUTION_ID (and boto3 installed, with AWS credentials from the usual
    environment variables)."""
    choice = env_str("FRONTEND_CACHE", "").strip().lower()
    if not choice or choice == "off":
        return None
    if choice not in FRONTEND_CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE={choice!r}: use varnish, cloudflare or cloudfront."
        )
    needed = {
        "varnish": {"LOCATION": "FRONTEND_CACHE_URL"},
        "cloudflare": {"BEARER_TOKEN": "CLOUDFLARE_API_TOKEN", "ZONEID": "CLOUDFLARE_ZONE_ID"},
        "cloudfront": {"DISTRIBUTION_ID": "CLOUDFRONT_DISTRIBUTION_ID"},
    }[choice]
    options = {option: env_str(name, required=True) for option, name in needed.items()}
    return {"default": {"BACKEND": FRONTEND_CACHE_BACKENDS[choice], **options}}


def shared_cache(redis_url: str | None) -> str | None:
    """The Redis every process shares as its cache: CACHE_URL, else REDIS_URL."""
    return env_str("CACHE_URL", "") or redis_url or None


def cache_settings(redis_url: str | None) -> dict:
    """CACHES: Redis at CACHE_URL (default: `redis_url`) when there is one, else memory."""
    location = shared_cache(redis_url)
    if not location:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            # Redis down = an empty cache, not 500s (cms/core/cache.py); short timeouts so a
            # Redis that does not answer cannot hold a request for long.
            "BACKEND": "cms.core.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "cms",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def _read_secret(name: str, path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}={path!r} cannot be read: {exc}") from exc


def dkim_keys(default_from_email: str) -> dict:
    """DKIM_KEYS ({domain: {"selector", "private_key"}}, newsletter/signing.py) from:
    DKIM_KEYS_DIR, a folder of `<domain>.<selector>.pem` files (several domains; one key per
    domain, the selector without dots), and/or DKIM_SELECTOR with DKIM_PRIVATE_KEY (PEM text,
    `\\n` escapes allowed) or DKIM_PRIVATE_KEY_FILE (a secret file), for DKIM_DOMAIN (default:
    DEFAULT_FROM_EMAIL's domain). Nothing set: {} (mail unsigned)."""
    keys = {}
    directory = env_str("DKIM_KEYS_DIR", "")
    if directory and not Path(directory).is_dir():
        raise ImproperlyConfigured(f"DKIM_KEYS_DIR={directory!r} is not a folder.")
    for path in sorted(Path(directory).glob("*.pem")) if directory else []:
        domain, _, selector = path.name.removesuffix(".pem").rpartition(".")
        if not domain or not selector or domain.lower() in keys:
            raise ImproperlyConfigured(
                f"DKIM_KEYS_DIR: {path.name} must be named <domain>.<selector>.pem, one per domain."
            )
        keys[domain.lower()] = {
            "selector": selector,
            "private_key": _read_secret("DKIM_KEYS_DIR", path),
        }
    selector = env_str("DKIM_SELECTOR", "")
    pem = (env_str("DKIM_PRIVATE_KEY", "") or "").replace("\\n", "\n")
    if key_file := env_str("DKIM_PRIVATE_KEY_FILE", ""):
        pem = _read_secret("DKIM_PRIVATE_KEY_FILE", key_file)
    if bool(selector) != bool(pem):
        raise ImproperlyConfigured(
            "DKIM_SELECTOR and DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE) go together."
        )
    if selector:
        domain = env_str("DKIM_DOMAIN", "") or parseaddr(default_from_email)[1].rpartition("@")[2]
        keys[domain.strip().lower()] = {"selector": selector, "private_key": pem}
    return keys


# Environment variable → django-anymail's ANYMAIL key, for the ESPs' tracking webhooks.
ANYMAIL_SECRETS = {
    "ANYMAIL_WEBHOOK_SECRET": "WEBHOOK_SECRET",  # "user:password", HTTP basic auth
    "MAILGUN_WEBHOOK_SIGNING_KEY": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
}


def anymail_settings() -> dict:
    """ANYMAIL with the webhook secrets that are set (newsletter/bounces/webhooks.py serves an
    ESP's webhook only once its secret is set). A new SNS subscription (Amazon SES) is
    confirmed by hand in the AWS console: nothing is fetched from a posted URL."""
    found = {key: env_str(name) for name, key in ANYMAIL_SECRETS.items()}
    return {"AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False} | {
        key: value for key, value in found.items() if value
    }
