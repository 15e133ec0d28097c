"""kombu's Redis transport, with one fix: a worker outlives a Redis outage that comes while it
holds a task it has not acknowledged yet (CELERY_TASK_ACKS_LATE, so it always might).

What goes wrong with kombu's own (5.7): when the worker loses Redis it first collects its
broker connection (``Connection.collect()``), which forgets the connection's settings, then
closes it. If Redis is still down, the collect cannot close the channel that waits on BRPOP, so
the close does: it puts the unacknowledged messages back on the queue, which needs a new pool,
whose settings it reads from the connection it has just forgotten. That raises
``AttributeError``, which Celery does not expect there: "Unrecoverable error", and the worker
exits. Newsletters, confirmations and every other task then wait for somebody to restart it.

Here the channel raises a connection error instead, which Celery ignores while it reconnects;
the messages stay in Redis's list of unacknowledged ones, from which kombu restores them after
the visibility timeout (a Redis without persistence has lost them anyway, and the newsletter's
sweeps send what they were for). The core app's ready() makes it the transport of redis:// and
rediss:// URLs (kombu's registry of transports by URL scheme), so the broker URL and the logs
stay as they were, also in a project our apps are installed into. tests/newsletter/test_faults.py
holds a task, stops Redis and shows the worker staying up.
"""

import kombu.transport
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _get_pool(self, asynchronous=False):
        if self.connection.client is None:  # collected: its settings are gone
            raise RedisConnectionError("the broker connection is closed; Redis is unreachable")
        return super()._get_pool(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def use_for_redis_urls() -> None:
    """Make this the transport of redis:// and rediss:// broker URLs."""
    resolved = getattr(kombu.transport, "_transport_cache", {})  # kombu's memo of the table
    for scheme in ("redis", "rediss"):
        kombu.transport.TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
        resolved.pop(scheme, None)
