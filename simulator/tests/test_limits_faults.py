"""Token buckets, 429 bodies, and every fault kind."""

import json

import pytest
import requests

from simulator.testing import REFRESH, access_token, api_get, sample

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


def test_burst_then_429_and_refill(make_sim, clock):
    sim = make_sim(rate_limits="amazon", time_scale=10)
    token = access_token(sim)
    for _ in range(30):
        r = api_get(sim, "/orders/2026-01-01/orders/1-2-3", token)
        assert r.status_code == 404
        assert r.headers["x-amzn-RateLimit-Limit"] == "0.5"
    r = api_get(sim, "/orders/2026-01-01/orders/1-2-3", token)
    assert r.status_code == 429
    assert r.json() == sample("errors_429_QuotaExceeded.json")["body"]
    assert r.headers["x-amzn-RequestId"]
    clock.advance(0.2)  # 0.5 rps * 10 * 0.2 s = 1 token
    assert api_get(sim, "/orders/2026-01-01/orders/1-2-3", token).status_code == 404
    assert api_get(sim, "/orders/2026-01-01/orders/1-2-3", token).status_code == 429
    # buckets are per operation
    r = api_get(sim, PARTICIPATIONS, token)
    assert r.status_code == 200 and r.headers["x-amzn-RateLimit-Limit"] == "0.016"
    log = sim.call_log()
    assert log["by_status"]["429"] == 2 and log["by_operation"]["getOrder"] == 33


def test_rate_limits_off(make_sim):
    sim = make_sim(rate_limits="off")
    token = access_token(sim)
    assert all(
        api_get(sim, PARTICIPATIONS, token).status_code == 200 for _ in range(40)
    )


@pytest.mark.parametrize("status", [429, 500, 503])
def test_status_fault_has_html_body(make_sim, status):
    sim = make_sim()
    token = access_token(sim)
    sim.inject_fault("getMarketplaceParticipations", "status", count=2, status=status)
    for _ in range(2):
        r = api_get(sim, PARTICIPATIONS, token)
        assert r.status_code == status
        assert r.headers["Content-Type"].startswith("text/html")
        with pytest.raises(ValueError):
            r.json()
    assert api_get(sim, PARTICIPATIONS, token).status_code == 200


def test_body_faults(make_sim):
    sim = make_sim()
    token = access_token(sim)
    sim.inject_fault("getMarketplaceParticipations", "malformed_json")
    sim.inject_fault("getMarketplaceParticipations", "truncated_json")
    for _ in range(2):
        r = api_get(sim, PARTICIPATIONS, token)
        assert r.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.text)
    sim.inject_fault("token", "truncated_json")
    r = requests.post(sim.base_url + "/auth/o2/token", data={}, timeout=5)
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)


def test_drop_delay_hang(make_sim):
    sim = make_sim()
    token = access_token(sim)
    sim.inject_fault("getMarketplaceParticipations", "drop")
    with pytest.raises(requests.ConnectionError):
        api_get(sim, PARTICIPATIONS, token)
    sim.inject_fault("getMarketplaceParticipations", "delay", delay=0.3)
    r = api_get(sim, PARTICIPATIONS, token)
    assert r.status_code == 200 and r.elapsed.total_seconds() >= 0.3
    sim.inject_fault("getMarketplaceParticipations", "hang", delay=5)
    with pytest.raises(requests.Timeout):
        requests.get(
            sim.base_url + PARTICIPATIONS,
            timeout=0.5,
            headers={"x-amz-access-token": token},
        )
    calls = sim.call_log()["calls"]
    assert {"drop", "delay"} <= {c["fault"] for c in calls}


def test_control_api(make_sim):
    sim = make_sim()
    base = sim.base_url + "/_sim"
    r = requests.post(
        base + "/faults",
        json={"operation": "token", "kind": "status", "status": 500},
        timeout=5,
    )
    assert r.status_code == 200
    r = requests.post(sim.base_url + "/auth/o2/token", data={}, timeout=5)
    assert r.status_code == 500
    assert (
        requests.post(
            base + "/faults", json={"operation": "x", "kind": "drop"}, timeout=5
        ).status_code
        == 400
    )
    r = requests.post(base + "/orders", json={"generate": 5, "seed": 1}, timeout=5)
    assert r.json()["count"] == 5
    oid = r.json()["orderIds"][0]
    r = requests.post(
        base + f"/orders/{oid}", json={"fulfillmentStatus": "CANCELLED"}, timeout=5
    )
    assert r.json()["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert requests.post(base + "/orders/nope", json={}, timeout=5).status_code == 404
    truth = requests.get(base + "/truth", timeout=5).json()
    assert oid in truth
    assert len(requests.get(base + "/catalogue", timeout=5).json()["catalogue"]) >= 50
    token = access_token(sim)
    assert requests.post(
        base + "/revoke", json={"refresh_token": REFRESH}, timeout=5
    ).json() == {"revoked": True}
    assert api_get(sim, PARTICIPATIONS, token).status_code == 403
    calls = requests.get(base + "/calls", timeout=5).json()
    assert calls["by_operation"]["token"] >= 2
    requests.post(base + "/reset", timeout=5)
    assert sim.call_log()["calls"] == []
    assert access_token(sim)  # initial refresh token valid again
