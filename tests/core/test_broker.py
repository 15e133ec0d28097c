"""The Celery broker's transport for Redis URLs (cms/core/broker.py): kombu's, fixed so that a
worker outlives a Redis outage; tests/newsletter/test_faults.py shows the worker staying up."""

import pytest
from kombu import Connection
from kombu.transport import redis as kombu_redis

from cms.core import broker


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://cache.example.org:6380/0"])
def test_redis_broker_urls_use_the_fixed_transport(url):
    connection = Connection(url)
    assert connection.get_transport_cls() is broker.Transport
    assert connection.as_uri().startswith(url.split("://")[0] + "://")  # logs show the URL


def test_other_broker_urls_keep_kombus_transports():
    assert not issubclass(Connection("memory://").get_transport_cls(), kombu_redis.Transport)
