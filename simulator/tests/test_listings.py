"""Listings Items API: seeded listings, search, get, patch and the helpers."""

# ruff: noqa: E501 - request tables read better unwrapped

import requests

from simulator.catalogue import catalogue
from simulator.listings import UNKNOWN_LISTINGS
from simulator.testing import access_token, api_call

DE, FR = "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
ITEMS = "/listings/2021-08-01/items/A1SIMSELLER0DE"


def channels(item):
    return {
        f["fulfillmentChannelCode"]: f["quantity"]
        for f in item["fulfillmentAvailability"]
    }


def patch_body(qty, channel="DEFAULT", product_type="DRINKING_CUP", op="replace"):
    return {
        "productType": product_type,
        "patches": [
            {
                "op": op,
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": channel, "quantity": qty}],
            }
        ],
    }


def test_seeded_listings(make_sim):
    sim = make_sim(marketplaces=("DE", "FR"))
    listings = sim.listings()
    skus = {row["sku"] for row in catalogue()}
    assert {i["sku"] for i in listings} == skus | set(UNKNOWN_LISTINGS)
    kinds = {"merchant": 0, "fba": 0, "both": 0}
    for item in listings:
        codes = set(channels(item))
        kinds[
            "both"
            if codes == {"DEFAULT", "AMAZON_EU"}
            else "fba"
            if codes == {"AMAZON_EU"}
            else "merchant"
        ] += 1
        assert [s["marketplaceId"] for s in item["summaries"]] == [DE, FR]
        assert item["attributes"]["fulfillment_availability"]
    assert kinds["merchant"] > 25 and kinds["fba"] >= 3 and kinds["both"] >= 3
    assert any(i["issues"] for i in listings)
    assert any(i["severity"] == "ERROR" for item in listings for i in item["issues"])
    assert sim.listing("ALT-L0001")["summaries"][0]["productType"] == "PRODUCT"
    # the same listings every time
    assert make_sim(marketplaces=("DE", "FR")).listings() == listings


def test_search_and_get(make_sim, clock):
    sim = make_sim(marketplaces=("DE", "FR"), rate_limits="amazon")
    token = access_token(sim)
    seen, params = (
        [],
        {"marketplaceIds": DE, "pageSize": 20, "sortBy": "sku", "sortOrder": "ASC"},
    )
    while True:
        r = api_call(sim, "GET", ITEMS, token, params=params)
        assert r.status_code == 200, r.text
        assert r.headers["x-amzn-RateLimit-Limit"] == "5"
        body = r.json()
        assert body["numberOfResults"] == len(catalogue()) + len(UNKNOWN_LISTINGS)
        seen += [i["sku"] for i in body["items"]]
        assert set(body["items"][0]) == {"sku", "summaries"}
        token_next = body.get("pagination", {}).get("nextToken")
        if not token_next:
            assert "previousToken" in body["pagination"]
            break
        params["pageToken"] = token_next
        clock.advance(1)
    assert seen == sorted(seen) and len(seen) == body["numberOfResults"]
    ean = catalogue()[3]["ean"]
    r = api_call(
        sim,
        "GET",
        ITEMS,
        token,
        params={
            "marketplaceIds": DE,
            "identifiers": ean,
            "identifiersType": "EAN",
            "includedData": "summaries,offers,fulfillmentAvailability,productTypes",
        },
    )
    (item,) = r.json()["items"]
    assert item["sku"] == catalogue()[3]["sku"]
    assert item["offers"][0]["price"] == {
        "currencyCode": "EUR",
        "amount": catalogue()[3]["price"],
    }
    clock.advance(1)
    bad = [
        {"marketplaceIds": DE, "identifiers": "x"},
        {"marketplaceIds": DE, "pageSize": 21},
        {"marketplaceIds": DE, "includedData": "everything"},
        {"identifiers": "x", "identifiersType": "SKU"},
        {"marketplaceIds": DE, "pageToken": "garbage"},
    ]
    for params in bad:
        clock.advance(1)
        assert api_call(sim, "GET", ITEMS, token, params=params).status_code == 400, (
            params
        )
    clock.advance(1)
    r = api_call(
        sim,
        "GET",
        ITEMS + "/SIM-THB-01SCH",
        token,
        params={"marketplaceIds": FR, "includedData": "attributes,issues"},
    )
    assert r.status_code == 200 and set(r.json()) == {"sku", "attributes", "issues"}
    r = api_call(sim, "GET", ITEMS + "/NOPE", token, params={"marketplaceIds": DE})
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NOT_FOUND"
    r = api_call(
        sim,
        "GET",
        "/listings/2021-08-01/items/OTHER/SIM-THB-01SCH",
        token,
        params={"marketplaceIds": DE},
    )
    assert r.status_code == 403


def test_patch(make_sim, clock):
    sim = make_sim(marketplaces=("DE",))
    token = access_token(sim)
    listings = sim.listings()
    fba_only = next(i["sku"] for i in listings if set(channels(i)) == {"AMAZON_EU"})
    both = next(
        i["sku"] for i in listings if set(channels(i)) == {"AMAZON_EU", "DEFAULT"}
    )

    def patch(sku, body, **params):
        return api_call(
            sim,
            "PATCH",
            f"{ITEMS}/{sku}",
            token,
            params={"marketplaceIds": DE, **params},
            json=body,
        )

    clock.advance(60)
    r = patch("SIM-THB-01SCH", patch_body(17))
    assert (
        r.status_code == 200
        and r.json()["status"] == "ACCEPTED"
        and r.json()["issues"] == []
    )
    assert r.json()["submissionId"]
    item = sim.listing("SIM-THB-01SCH")
    assert channels(item) == {"DEFAULT": 17}
    assert item["summaries"][0]["lastUpdatedDate"] == __import__(
        "simulator.timeutil"
    ).timeutil.iso(clock())
    r = patch(
        "SIM-THB-01SCH",
        patch_body(3),
        mode="VALIDATION_PREVIEW",
        includedData="identifiers,issues",
    )
    assert r.json()["status"] == "VALID" and r.json()["identifiers"][0]["asin"]
    assert channels(sim.listing("SIM-THB-01SCH")) == {"DEFAULT": 17}
    invalid = [
        ("SIM-THB-01SCH", patch_body(-1), "90004114"),
        ("SIM-THB-01SCH", patch_body("7"), "90000900"),
        (fba_only, patch_body(5, "AMAZON_EU"), "90000900"),
        (both, patch_body(5, "AMAZON_EU"), "90000900"),
        ("SIM-THB-01SCH", patch_body(5, product_type=" "), "90220"),
    ]
    for sku, body, code in invalid:
        r = patch(sku, body)
        assert r.status_code == 200 and r.json()["status"] == "INVALID", (sku, body)
        assert [i["code"] for i in r.json()["issues"]] == [code]
    assert (
        channels(sim.listing(both))["AMAZON_EU"]
        == channels(next(i for i in listings if i["sku"] == both))["AMAZON_EU"]
    )
    # schema violations are 400s
    for body in (
        {"patches": patch_body(1)["patches"]},
        {"productType": "X", "patches": []},
        {"productType": "X", "patches": [{"op": "put", "path": "/x"}]},
    ):
        r = patch("SIM-THB-01SCH", body)
        assert (
            r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
        ), body
    # Amazon accepts offer data for an unknown SKU (nothing becomes visible) ...
    r = patch("NEW-SKU", patch_body(2))
    assert r.json()["status"] == "ACCEPTED" and sim.listing("NEW-SKU") is None
    # ... unless the simulator is told to reject it
    strict = make_sim(unknown_sku_patches="invalid")
    r = api_call(
        strict,
        "PATCH",
        f"{ITEMS}/NEW-SKU",
        access_token(strict),
        params={"marketplaceIds": DE},
        json=patch_body(2),
    )
    assert (
        r.json()["status"] == "INVALID" and r.json()["issues"][0]["code"] == "4000001"
    )
    # a DEFAULT quantity on an FBA-only listing makes it merchant-fulfilled as well
    assert patch(fba_only, patch_body(4)).json()["status"] == "ACCEPTED"
    assert channels(sim.listing(fba_only))["DEFAULT"] == 4
    log = sim.listing_submissions()
    assert [e["status"] for e in log][:2] == ["ACCEPTED", "VALID"]
    assert log[0]["patches"] == patch_body(17)["patches"]


def test_python_and_control_helpers(make_sim):
    sim = make_sim()
    item = sim.set_quantity("SIM-THB-01SCH", 42)
    assert channels(item)["DEFAULT"] == 42
    base = sim.base_url + "/_sim"
    r = requests.post(base + "/listings/SIM-THB-01SCH", json={"quantity": 5}, timeout=5)
    assert channels(r.json()["listing"])["DEFAULT"] == 5
    r = requests.post(
        base + "/listings",
        json={"sku": "MY-NEW", "title": "Neu", "quantity": 3},
        timeout=5,
    )
    assert r.json()["listing"]["sku"] == "MY-NEW"
    assert (
        requests.get(base + "/listings/MY-NEW", timeout=5).json()["listing"][
            "summaries"
        ][0]["itemName"]
        == "Neu"
    )
    assert requests.get(base + "/listings/NOPE", timeout=5).status_code == 404
    assert len(requests.get(base + "/listings", timeout=5).json()["listings"]) == len(
        sim.listings()
    )
    assert (
        requests.post(
            base + "/listings/SIM-THB-01SCH", json={"quantity": -1}, timeout=5
        ).status_code
        == 400
    )
    sim.reset()
    assert sim.listing("MY-NEW") is None
