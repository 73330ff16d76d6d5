"""Token buckets per operation, as SP-API usage plans describe them."""

import threading

from .constants import RATE_LIMITS


class TokenBucket:
    def __init__(self, rate, burst, clock, time_scale=1.0):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.time_scale = time_scale
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self):
        now = self.clock()
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(
            float(self.burst), self.tokens + elapsed * self.rate * self.time_scale
        )
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    """One bucket per operation; ``enabled=False`` lets every call through."""

    def __init__(self, clock, enabled=True, time_scale=1.0, limits=None):
        self.clock = clock
        self.enabled = enabled
        self.time_scale = time_scale
        self.limits = dict(limits or RATE_LIMITS)
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.buckets = {
                op: TokenBucket(rate, burst, self.clock, self.time_scale)
                for op, (rate, burst) in self.limits.items()
            }

    def header(self, operation):
        rate = self.limits.get(operation, (None,))[0]
        return None if rate is None else format(rate, "g")

    def allow(self, operation):
        if not self.enabled or operation not in self.buckets:
            return True
        with self._lock:
            return self.buckets[operation].take()
