import threading

import pytest

from spapi.const import RATE_LIMITS
from spapi.errors import RateLimitWait
from spapi.ratelimit import (
    RateLimiter,
    StoredRateLimiter,
    TokenBucket,
    parse_rate_header,
)


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def exact_pace(monkeypatch):
    """The arithmetic below at Amazon's exact rate (the slack is tested
    on its own)."""
    monkeypatch.setattr(TokenBucket, "PACE", 1.0)


def test_slack_below_amazons_rate(monkeypatch):
    """By default the client paces itself 2 % below the announced rate, so a
    burst-1 bucket (one invoice every 3 s) is never refused for jitter."""
    monkeypatch.setattr(TokenBucket, "PACE", 0.98)
    t = FakeTime()
    bucket = TokenBucket(1 / 3, 1, clock=t.clock)
    assert bucket.acquire(t.sleep) == 0
    assert bucket.acquire(t.sleep) == pytest.approx(3 / 0.98)
    assert bucket.wait_time() == pytest.approx(3 / 0.98)


def test_burst_then_paced_at_rate():
    t = FakeTime()
    bucket = TokenBucket(0.5, 3, clock=t.clock)
    waits = [bucket.acquire(t.sleep) for _ in range(5)]
    assert waits == [0, 0, 0, pytest.approx(2.0), pytest.approx(2.0)]
    t.now += 10  # refills up to the burst only
    assert bucket.tokens == pytest.approx(3)


def test_wait_time_takes_no_token():
    t = FakeTime()
    bucket = TokenBucket(0.5, 2, clock=t.clock)
    assert bucket.wait_time() == 0
    bucket.acquire(t.sleep)
    bucket.acquire(t.sleep)
    assert bucket.wait_time() == pytest.approx(2.0)
    assert bucket.wait_time() == pytest.approx(2.0), "asking twice changes nothing"
    t.now += 1.5
    assert bucket.wait_time() == pytest.approx(0.5)
    limiter = RateLimiter(clock=t.clock)
    assert limiter.wait_time("acct", "createFeed") == 0


def test_time_scale_refills_faster():
    t = FakeTime()
    bucket = TokenBucket(0.0056, 1, time_scale=100, clock=t.clock)
    bucket.acquire(t.sleep)
    assert bucket.acquire(t.sleep) == pytest.approx(1 / 0.56)


def test_concurrent_callers_queue_fairly():
    t = FakeTime()
    bucket = TokenBucket(1, 5, clock=t.clock)
    waits = []
    lock = threading.Lock()

    def worker():
        wait = bucket.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [0, 0, 0, 0, 0, 1, 2, 3, 4, 5]


def test_limiter_keys_and_header_update():
    t = FakeTime()
    limiter = RateLimiter(clock=t.clock, sleep=t.sleep)
    bucket = limiter.bucket("acct1", "searchOrders")
    assert (bucket.rate, bucket.burst) == RATE_LIMITS["searchOrders"]
    assert limiter.bucket("acct2", "searchOrders") is not bucket
    assert limiter.bucket("acct1", "getOrder").burst == 30
    assert limiter.update_from_header("acct1", "searchOrders", "0.0167") == 0.0167
    assert bucket.rate == 0.0167
    assert limiter.update_from_header("acct1", "searchOrders", "junk") is None
    assert bucket.rate == 0.0167
    for _ in range(20):
        assert limiter.acquire("acct1", "searchOrders") == 0
    assert limiter.acquire("acct1", "searchOrders") == pytest.approx(1 / 0.0167)
    assert t.slept == [pytest.approx(1 / 0.0167)]


@pytest.mark.parametrize("value", [None, "", "abc", "0", "-1"])
def test_bad_rate_headers_are_ignored(value):
    assert parse_rate_header(value) is None


def test_default_limits_match_the_models():
    assert RATE_LIMITS["searchOrders"] == (0.0056, 20)
    assert RATE_LIMITS["getOrder"] == (0.5, 30)
    assert RATE_LIMITS["getMarketplaceParticipations"] == (0.016, 15)


class SharedStore:
    """What the database does for StoredRateLimiter, in memory: one level
    per key, refilled by the elapsed time of one clock."""

    def __init__(self, t):
        self.t = t
        self.rows = {}

    def take(self, key, pace, burst):
        level, stamp = self.rows.get(key, (burst, self.t.now))
        level = min(burst, level + pace * (self.t.now - stamp)) - 1
        self.rows[key] = (level, self.t.now)
        return level

    def give(self, key):
        level, stamp = self.rows[key]
        self.rows[key] = (level + 1, stamp)

    def level(self, key, pace, burst):
        if key not in self.rows:
            return burst
        level, stamp = self.rows[key]
        return min(burst, level + pace * (self.t.now - stamp))


def test_stored_limiter_shared_by_processes():
    """Two workers (two limiters on one store) together get Amazon's rate,
    not twice of it: confirmShipment, 2 per second after a burst of 10."""
    t = FakeTime()
    store = SharedStore(t)
    first = StoredRateLimiter(store, sleep=t.sleep)
    second = StoredRateLimiter(store, sleep=t.sleep)
    waits = []
    for _ in range(15):
        waits.append(first.reserve("acct", "confirmShipment"))
        waits.append(second.reserve("acct", "confirmShipment"))
    assert waits[:10] == [0.0] * 10
    # each further token is reserved half a second after the one before
    assert waits[10:] == [pytest.approx(0.5 * n) for n in range(1, 21)]
    assert second.wait_time("acct", "confirmShipment") == pytest.approx(10.5)
    assert first.wait_time("other", "confirmShipment") == 0.0


def test_stored_limiter_time_scale_header_and_acquire():
    t = FakeTime()
    store = SharedStore(t)
    limiter = StoredRateLimiter(store, time_scale=10, sleep=t.sleep)
    for _ in range(20):
        assert limiter.acquire("acct", "searchOrders") == 0
    # 0.0056 per second, ten times faster
    assert limiter.acquire("acct", "searchOrders") == pytest.approx(1 / 0.056)
    assert t.slept == [pytest.approx(1 / 0.056)]
    # the rate Amazon announces replaces the published one
    assert limiter.update_from_header("other", "searchOrders", "0.5") == 0.5
    for _ in range(20):
        limiter.reserve("other", "searchOrders")
    assert limiter.wait_time("other", "searchOrders") == pytest.approx(1 / 5)
    assert limiter.update_from_header("acct", "searchOrders", "nonsense") is None
    assert limiter.limits["searchOrders"] == RATE_LIMITS["searchOrders"]


def test_stored_limiter_max_wait_gives_the_token_back():
    t = FakeTime()
    store = SharedStore(t)
    limiter = StoredRateLimiter(store, sleep=t.sleep, max_wait=10)
    for _ in range(10):
        assert limiter.reserve("acct", "confirmShipment") == 0
    # 0.5 s, 1 s, ... 10 s: within the limit; the 21st would wait 10.5 s
    for n in range(1, 21):
        assert limiter.reserve("acct", "confirmShipment") == pytest.approx(0.5 * n)
    with pytest.raises(RateLimitWait) as caught:
        limiter.reserve("acct", "confirmShipment")
    assert caught.value.wait == pytest.approx(10.5)
    assert caught.value.operation == "confirmShipment"
    assert limiter.wait_time("acct", "confirmShipment") == pytest.approx(10.5)
