"""The Redis cache of production settings (cms.core.cache.ResilientRedisCache): while Redis is
unreachable the sites keep serving — a read is a miss, a write is dropped, the rate limit lets
requests through — and the outage is logged; with Redis up it is Django's Redis cache."""

import os
import socket

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cms.core.antispam import rate_limited
from cms.core.cache import ResilientRedisCache
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "cms.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "cms-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def redis_up(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDIS_URL is not set")
        pytest.skip("needs REDIS_URL")
    settings.CACHES = redis_cache(url)
    yield
    cache.delete_many(["resilient-test", "resilient-counter"])


def test_an_unreachable_cache_is_an_empty_one(redis_down, caplog, monkeypatch):
    caplog.set_level("WARNING", logger="cms.core.cache")
    monkeypatch.setattr(ResilientRedisCache, "_last_warning", 0.0)  # not warned this run yet

    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("key", 1) is True  # "stored, then lost": a once-guard goes ahead
    cache.set("key", 1)  # dropped, no error
    assert cache.get("key") is None
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.touch("key") is False
    cache.delete("key")
    cache.delete_many(["a"])
    cache.clear()
    with pytest.raises(ValueError):  # as for a missing key
        cache.incr("counter")
    warnings = [r for r in caplog.records if "Cache unreachable" in r.getMessage()]
    assert len(warnings) == 1  # one line per outage, not one per call


def test_the_rate_limit_lets_requests_through_while_the_cache_is_down(redis_down):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    assert not any(rate_limited(request, "test.scope", 2, 60) for _ in range(5))


@pytest.mark.parametrize(
    ("host", "path", "text"),
    [
        (NATIONAL_HOST, "/", "Connection Coalition"),
        (COVENTRY_HOST, "/", "Connecting for Good"),
        (COVENTRY_HOST, "/stories/", "Rose"),
        (COVENTRY_HOST, "/newsletter/", "Subscribe"),
    ],
)
def test_pages_are_served_while_the_cache_is_down(redis_down, client, network, host, path, text):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_with_redis_up_it_caches_and_counts(redis_up):
    cache.set("resilient-test", {"a": 1}, None)  # None: kept until deleted, as in Django
    assert cache.get("resilient-test") == {"a": 1}
    key = cache.make_and_validate_key("resilient-test")
    assert cache._cache.get_client(key).ttl(key) == -1
    cache.set("resilient-test", {"a": 2})  # the default timeout
    assert 0 < cache._cache.get_client(key).ttl(key) <= 300
    assert cache.add("resilient-counter", 0, 60) is True
    assert cache.incr("resilient-counter") == 1
    assert cache.incr("resilient-counter", 5) == 6
