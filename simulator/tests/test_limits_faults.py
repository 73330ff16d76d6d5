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


NEW_OPERATIONS = [
    ("confirmShipment", "POST", "/orders/v0/orders/1-2-3/shipmentConfirmation"),
    ("createFeedDocument", "POST", "/feeds/2021-06-30/documents"),
    ("createFeed", "POST", "/feeds/2021-06-30/feeds"),
    ("getFeed", "GET", "/feeds/2021-06-30/feeds/1"),
    ("getFeeds", "GET", "/feeds/2021-06-30/feeds"),
    ("cancelFeed", "DELETE", "/feeds/2021-06-30/feeds/1"),
    ("getFeedDocument", "GET", "/feeds/2021-06-30/documents/x"),
    ("searchListingsItems", "GET", "/listings/2021-08-01/items/A1SIMSELLER0DE"),
    ("getListingsItem", "GET", "/listings/2021-08-01/items/A1SIMSELLER0DE/x"),
    ("patchListingsItem", "PATCH", "/listings/2021-08-01/items/A1SIMSELLER0DE/x"),
    ("listTransactions", "GET", "/finances/2024-06-19/transactions"),
    ("createReport", "POST", "/reports/2021-06-30/reports"),
    ("getReport", "GET", "/reports/2021-06-30/reports/1"),
    ("getReportDocument", "GET", "/reports/2021-06-30/documents/x"),
    ("uploadFeedDocument", "PUT", "/_docs/upload/x"),
    ("downloadFeedDocument", "GET", "/_docs/download/x"),
]


def test_faults_on_every_new_operation(make_sim):
    from simulator.testing import api_call

    sim = make_sim()
    token = access_token(sim)
    for operation, method, path in NEW_OPERATIONS:
        sim.inject_fault(operation, "status", status=500)
        sim.inject_fault(operation, "malformed_json")
        sim.inject_fault(operation, "drop")
        r = api_call(sim, method, path, token, json={})
        assert r.status_code == 500 and r.headers["Content-Type"] == "text/html"
        r = api_call(sim, method, path, token, json={})
        with pytest.raises(ValueError):
            json.loads(r.content)
        with pytest.raises(requests.ConnectionError):
            api_call(sim, method, path, token, json={})
        assert api_call(sim, method, path, token, json={}).status_code != 500
    by_op = sim.call_log()["by_operation"]
    assert all(by_op[op] == 4 for op, _, _ in NEW_OPERATIONS)


def test_down_and_up(make_sim, clock):
    sim = make_sim()
    token = access_token(sim)
    sim.down(seconds=60)
    for _, method, path in NEW_OPERATIONS[:3]:
        r = requests.request(method, sim.base_url + path, timeout=5)
        assert r.status_code == 503 and r.headers["Content-Type"] == "text/html"
    r = requests.post(sim.base_url + "/auth/o2/token", data={}, timeout=5)
    assert r.status_code == 503
    clock.advance(61)
    assert api_get(sim, PARTICIPATIONS, token).status_code == 200
    base = sim.base_url + "/_sim"
    assert requests.post(base + "/down", json={"status": 500}, timeout=5).json()["down"]
    assert api_get(sim, PARTICIPATIONS, token).status_code == 500
    clock.advance(600)
    assert api_get(sim, PARTICIPATIONS, token).status_code == 500  # until up
    requests.post(base + "/up", timeout=5)
    assert api_get(sim, PARTICIPATIONS, token).status_code == 200
    faults = [c["fault"] for c in sim.call_log()["calls"]]
    assert faults.count("down") == 6


def test_control_api_outbound(make_sim, clock):
    from simulator.testing import upload_feed

    sim = make_sim(generate=100, seed=3, feed_processing_seconds=600)
    token = access_token(sim)
    base = sim.base_url + "/_sim"
    r = upload_feed(sim, token, "JSON_LISTINGS_FEED", b"{}", "application/json")
    feed_id = r.json()["feedId"]
    feeds = requests.get(base + "/feeds", timeout=5).json()["feeds"]
    assert [(f["feedId"], f["processingStatus"]) for f in feeds] == [
        (feed_id, "IN_QUEUE")
    ]
    assert requests.post(base + "/feeds/process", timeout=5).json() == {
        "processed": [feed_id]
    }
    (feed,) = requests.get(base + "/feeds", timeout=5).json()["feeds"]
    assert feed["processingStatus"] == "FATAL"
    doc = requests.get(base + "/documents/" + feed["inputFeedDocumentId"], timeout=5)
    assert doc.content == b"{}"
    assert requests.get(base + "/documents/nope", timeout=5).status_code == 404
    assert requests.get(base + "/confirmations", timeout=5).json() == {
        "confirmations": []
    }
    order = sim.orders()[0]["orderId"]
    assert (
        requests.get(base + f"/orders/{order}", timeout=5).json()["order"]["orderId"]
        == order
    )
    config = requests.get(base + "/config", timeout=5).json()
    assert config["feed_processing_seconds"] == 600
