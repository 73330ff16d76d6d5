"""Token buckets per (account key, operation): thread-safe in one process
(:class:`RateLimiter`), or shared by every process through a store such as
the database (:class:`StoredRateLimiter`).

SP-API meters every operation with a token bucket per selling partner and
application: ``rate`` tokens per second refill a bucket of ``burst`` tokens.
``acquire()`` takes one token, sleeping just long enough when the bucket is
empty. Waiting callers reserve their token first (the level may go negative),
so concurrent threads queue fairly instead of waking up together.

``time_scale`` makes buckets refill F times faster, to run benchmarks against
a simulator whose clock is scaled by the same factor.
"""

import threading
import time

from .const import DEFAULT_RATE_LIMIT, RATE_LIMITS
from .errors import RateLimitWait


class TokenBucket:
    #: the share of Amazon's rate the client paces itself to: a request sent
    #: the instant a token is due arrives a little early or late, and with a
    #: burst of 1 an early one is refused (429); 2 % slack absorbs that jitter
    PACE = 0.98

    def __init__(self, rate, burst, *, time_scale=1.0, clock=time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self.time_scale = float(time_scale)
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self):
        now = self._clock()
        elapsed = max(0.0, now - self._stamp)
        self._stamp = now
        gained = elapsed * self._pace
        self._tokens = min(float(self.burst), self._tokens + gained)

    def reserve(self):
        """Take one token; return the seconds to wait before using it."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self._pace

    def acquire(self, sleep=time.sleep):
        wait = self.reserve()
        if wait > 0:
            sleep(wait)
        return wait

    def wait_time(self):
        """Seconds until one token is there (0 when there is one now)."""
        with self._lock:
            self._refill()
            if self._tokens >= 1.0:
                return 0.0
            return (1.0 - self._tokens) / self._pace

    @property
    def _pace(self):
        """Tokens gained per second of this clock."""
        return self.rate * self.time_scale * self.PACE

    @property
    def tokens(self):
        with self._lock:
            self._refill()
            return self._tokens

    def set_rate(self, rate):
        """Adopt the rate Amazon announced (keeps the current level)."""
        if rate <= 0:
            return
        with self._lock:
            self._refill()
            self.rate = float(rate)


def parse_rate_header(value):
    """``x-amzn-RateLimit-Limit`` value -> float rate, or None if unusable."""
    try:
        rate = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return rate if rate > 0 else None


class RateLimiter:
    """Registry of buckets keyed by (account key, operation)."""

    def __init__(
        self, *, limits=None, time_scale=1.0, clock=time.monotonic, sleep=time.sleep
    ):
        self.limits = dict(RATE_LIMITS if limits is None else limits)
        self.time_scale = time_scale
        self._clock = clock
        self._sleep = sleep
        self._buckets = {}
        self._lock = threading.Lock()

    def bucket(self, account_key, operation):
        key = (account_key, operation)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                rate, burst = self.limits.get(operation, DEFAULT_RATE_LIMIT)
                bucket = TokenBucket(
                    rate, burst, time_scale=self.time_scale, clock=self._clock
                )
                self._buckets[key] = bucket
            return bucket

    def wait_time(self, account_key, operation):
        return self.bucket(account_key, operation).wait_time()

    def acquire(self, account_key, operation, sleep=None):
        """Block until a request may be sent; return the seconds slept."""
        bucket = self.bucket(account_key, operation)
        return bucket.acquire(sleep or self._sleep)

    def update_from_header(self, account_key, operation, header_value):
        rate = parse_rate_header(header_value)
        if rate is not None:
            self.bucket(account_key, operation).set_rate(rate)
        return rate


class StoredRateLimiter:
    """Buckets kept in a store that every process shares (the database), so
    that all workers and servers sending for one account together stay
    within Amazon's rate; same interface as :class:`RateLimiter`.

    ``store.take(key, pace, burst)`` takes one token in one atomic step and
    returns the level after it (below 0: the token is reserved, due in
    ``-level / pace`` seconds); ``store.give(key)`` puts one back;
    ``store.level(key, pace, burst)`` reads the level without taking one.
    ``pace`` is tokens per second of the store's clock, the time scale and
    :attr:`TokenBucket.PACE` included.

    ``max_wait``: a caller that may not wait longer (a job holding a
    worker and a transaction) gets :class:`RateLimitWait` instead, and its
    token goes back.
    """

    def __init__(
        self, store, *, limits=None, time_scale=1.0, sleep=time.sleep, max_wait=None
    ):
        self.store = store
        self.limits = dict(RATE_LIMITS if limits is None else limits)
        self.time_scale = float(time_scale)
        self.max_wait = max_wait
        self._sleep = sleep
        self._rates = {}  # rates Amazon announced, per (account key, operation)

    def _bucket(self, account_key, operation):
        rate, burst = self.limits.get(operation, DEFAULT_RATE_LIMIT)
        rate = self._rates.get((account_key, operation), rate)
        pace = rate * self.time_scale * TokenBucket.PACE
        return f"{account_key}:{operation}", pace, int(burst)

    def reserve(self, account_key, operation):
        """Take one token; return the seconds to wait before using it."""
        key, pace, burst = self._bucket(account_key, operation)
        level = self.store.take(key, pace, burst)
        wait = 0.0 if level >= 0 else -level / pace
        if self.max_wait is not None and wait > self.max_wait:
            self.store.give(key)
            raise RateLimitWait(
                f"{operation}: the rate limit would wait {wait:.1f} s",
                operation=operation,
                wait=wait,
            )
        return wait

    def acquire(self, account_key, operation, sleep=None):
        """Block until a request may be sent; return the seconds slept."""
        wait = self.reserve(account_key, operation)
        if wait > 0:
            (sleep or self._sleep)(wait)
        return wait

    def wait_time(self, account_key, operation):
        """Seconds until one token is there (0 when there is one now)."""
        key, pace, burst = self._bucket(account_key, operation)
        level = self.store.level(key, pace, burst)
        return 0.0 if level >= 1.0 else (1.0 - level) / pace

    def update_from_header(self, account_key, operation, header_value):
        rate = parse_rate_header(header_value)
        if rate is not None:
            self._rates[(account_key, operation)] = rate
        return rate


_shared = RateLimiter()


def shared_limiter():
    """Process-wide limiter: all clients of one account share its buckets."""
    return _shared
