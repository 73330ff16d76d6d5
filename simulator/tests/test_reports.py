"""Reports API: GET_MERCHANT_LISTINGS_ALL_DATA."""

# ruff: noqa: E501 - request tables read better unwrapped

import requests

from simulator.reports import COLUMNS
from simulator.testing import access_token, api_call

DE = "A1PA6795UKMFR9"


def test_merchant_listings_report(make_sim, clock):
    sim = make_sim(marketplaces=("DE", "PL"), report_processing_seconds=30)
    token = access_token(sim)
    body = {
        "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA",
        "marketplaceIds": ["A1C3SOZRARQ6R3"],
    }
    r = api_call(sim, "POST", "/reports/2021-06-30/reports", token, json=body)
    assert r.status_code == 202 and r.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    report_id = r.json()["reportId"]
    path = f"/reports/2021-06-30/reports/{report_id}"
    assert api_call(sim, "GET", path, token).json()["processingStatus"] == "IN_QUEUE"
    clock.advance(30)
    report = api_call(sim, "GET", path, token).json()
    assert report["processingStatus"] == "DONE"
    doc = api_call(
        sim, "GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}", token
    ).json()
    assert set(doc) == {"reportDocumentId", "url"}
    r = requests.get(doc["url"], timeout=5)
    assert (
        r.headers["Content-Type"] == "text/tab-separated-values; charset=windows-1252"
    )
    lines = r.content.decode("cp1252").splitlines()
    assert lines[0].split("\t") == list(COLUMNS)
    rows = [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    assert len(rows) == len(sim.listings())
    by_sku = {row["seller-sku"]: row for row in rows}
    thb = by_sku["SIM-THB-01SCH"]
    assert thb["price"] == "85.99"  # PLN
    assert thb["fulfillment-channel"] == "DEFAULT" and thb["asin1"].startswith("B0")
    assert any(
        row["fulfillment-channel"] == "AMAZON_EU" and row["quantity"] == ""
        for row in rows
    )
    assert "Gießkanne verzinkt 10 l, Silber" in {row["item-name"] for row in rows}
    # errors, cancel
    for bad in (
        {"reportType": "GET_FLAT_FILE_OPEN_LISTINGS_DATA", "marketplaceIds": [DE]},
        {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": []},
    ):
        assert (
            api_call(
                sim, "POST", "/reports/2021-06-30/reports", token, json=bad
            ).status_code
            == 400
        )
    body["marketplaceIds"] = [DE]
    second = api_call(
        sim, "POST", "/reports/2021-06-30/reports", token, json=body
    ).json()["reportId"]
    assert (
        api_call(
            sim, "DELETE", f"/reports/2021-06-30/reports/{second}", token
        ).status_code
        == 200
    )
    assert api_call(sim, "DELETE", path, token).status_code == 400
    sim.process_reports()
    assert (
        api_call(sim, "GET", f"/reports/2021-06-30/reports/{second}", token).json()[
            "processingStatus"
        ]
        == "CANCELLED"
    )
