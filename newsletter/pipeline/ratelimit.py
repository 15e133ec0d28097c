"""Keeping to an SMTP server's rate (messages per second and/or per minute) across every worker
process: ``limiter_for(newsletter_list).acquire()`` returns once the next message may go.

The limit is a GCRA ("generic cell rate algorithm", a leaky bucket kept as one timestamp per
limit: the theoretical arrival time of the next message) held in Redis, one key per provider
account (host:port:username) and per period, updated by one Lua script, so concurrent workers
never both take the same slot and nothing is counted twice. Redis's own clock decides, so
workers on machines whose clocks disagree still share one pace.

The design allows no burst: messages are spaced evenly (20 per second: one every 50 ms; 60 per
minute: one a second), so no one-second (or one-minute) window holds more than the rate, however
many workers send. A waiting worker sleeps until its slot is due (pacing, not polling).

If Redis cannot be reached the limiter fails safe: it logs once, paces this process alone at
the same rate, and tries Redis again a few seconds later. Without REDIS_URL (the embedded
setup: one process) it paces locally from the start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import redis

from ..conf import default_server_rates, rate_limit_redis_url
from ..models import NewsletterList
from .servers import rate_key, server_of

logger = logging.getLogger(__name__)

KEY_PREFIX = "newsletter:smtp-rate:"
BURST = 1  # messages that may go back to back; 1: evenly spaced (see the module docstring)
REDIS_RETRY_SECONDS = 5.0  # after a failure, pace locally this long before trying Redis again
REDIS_TIMEOUT = 1.0  # seconds, connecting and reading

# KEYS: one per limit. ARGV: n, then per key its interval and tolerance, in microseconds.
# Returns 0 when the n messages may go now (and books them in every limit at once), else how
# many microseconds until they may.
GCRA_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  tats[i] = tat + n * interval
  local due = tats[i] - tolerance - now
  if due > wait then wait = due end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local ttl = math.ceil((tats[i] - now) / 1000) + 1000
  redis.call('SET', key, string.format('%.0f', tats[i]), 'PX', ttl)
end
return 0
"""


class NoLimit:
    """The limiter of a server without a rate."""

    def acquire(self, n: int = 1) -> float:
        return 0.0


class LocalPacer:
    """The same GCRA in this process's memory (one per provider account, shared by threads)."""

    def __init__(self, intervals: Sequence[float]):
        self.intervals = list(intervals)
        self.tats = [0.0] * len(self.intervals)
        self.lock = threading.Lock()

    def try_acquire(self, n: int) -> float:
        """0 if n messages may go now (booked), else the seconds until they may."""
        with self.lock:
            now = time.monotonic()
            pairs = list(zip(self.tats, self.intervals, strict=True))
            tats = [max(tat, now) + n * interval for tat, interval in pairs]
            wait = max(
                tat - max(BURST, n) * interval - now
                for tat, interval in zip(tats, self.intervals, strict=True)
            )
            if wait > 0:
                return wait
            self.tats = tats
            return 0.0


_clients: dict[str, redis.Redis] = {}
_local_pacers: dict[str, LocalPacer] = {}
_clients_lock = threading.Lock()


def _client(url: str) -> redis.Redis:
    """One client per URL and process (redis-py makes new connections after a fork)."""
    with _clients_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(
                url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )
        return _clients[url]


def _local_pacer(key: str, intervals: Sequence[float]) -> LocalPacer:
    with _clients_lock:
        pacer = _local_pacers.get(key)
        if pacer is None or pacer.intervals != list(intervals):
            pacer = _local_pacers[key] = LocalPacer(intervals)
        return pacer


class RateLimiter:
    """Paces sends to one provider account: see the module docstring."""

    def __init__(self, key: str, limits: dict[str, float], redis_url: str = ""):
        """limits: the seconds between two messages, by period ("second", "minute")."""
        self.keys = [f"{KEY_PREFIX}{key}:per-{period}" for period in limits]
        self.intervals = list(limits.values())
        self.local = _local_pacer(key, self.intervals)
        self.redis_url = redis_url
        self.redis_down_until = 0.0

    def acquire(self, n: int = 1) -> float:
        """Block until n messages may be sent; the seconds waited."""
        waited = 0.0
        while True:
            wait = self._try(n)
            if wait <= 0:
                return waited
            time.sleep(wait)
            waited += wait

    def _try(self, n: int) -> float:
        if not self.redis_url or time.monotonic() < self.redis_down_until:
            return self.local.try_acquire(n)
        try:
            client = _client(self.redis_url)
            script = client.register_script(GCRA_SCRIPT)
            args = [n]
            for interval in self.intervals:
                args += [round(interval * 1e6), round(max(BURST, n) * interval * 1e6)]
            wait = int(script(keys=self.keys, args=args)) / 1e6
        except (redis.RedisError, OSError) as exc:
            logger.warning(
                "SMTP rate limit: Redis cannot be reached (%s); this process paces itself for "
                "%.0f s",
                exc,
                REDIS_RETRY_SECONDS,
            )
            self.redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            return self.local.try_acquire(n)
        return wait


def limits_for(per_second: int | None, per_minute: int | None) -> dict[str, float]:
    """The seconds between two messages under each limit that is set, by period."""
    limits = {}
    if per_second:
        limits["second"] = 1.0 / per_second
    if per_minute:
        limits["minute"] = 60.0 / per_minute
    return limits


def limiter_for(newsletter_list: NewsletterList | None) -> RateLimiter | NoLimit:
    """The limiter of the server the list's mail goes through (its own SMTP server's rates,
    else NEWSLETTER_SMTP_RATE_PER_SECOND/_PER_MINUTE); NoLimit when no rate is set."""
    server = server_of(newsletter_list)
    if server is not None:
        rates = server.rate_per_second, server.rate_per_minute
    else:
        rates = default_server_rates()
    limits = limits_for(*rates)
    if not limits:
        return NoLimit()
    return RateLimiter(rate_key(newsletter_list), limits, rate_limit_redis_url())
