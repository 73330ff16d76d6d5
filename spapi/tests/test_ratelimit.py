import threading

import pytest

from spapi.const import RATE_LIMITS
from spapi.ratelimit import RateLimiter, TokenBucket, parse_rate_header


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
