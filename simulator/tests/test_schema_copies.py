"""The simulator's copies of the request schemas equal the official models."""

import json
import re

import pytest

from simulator import model_data
from simulator.schema import CONFIRM_SHIPMENT, Validator, reduce
from simulator.testing import MODELS


def closure(model, names):
    defs = json.loads((MODELS / model).read_text())["definitions"]
    out, todo = {}, list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out[name] = reduce(defs[name])
            todo += re.findall(r"#/definitions/(\w+)", json.dumps(defs[name]))
    return out


@pytest.mark.parametrize(
    "copy, model, roots",
    [
        ("ORDERS_V0", "ordersV0.json", ["ConfirmShipmentRequest"]),
        (
            "FEEDS",
            "feeds_2021-06-30.json",
            ["CreateFeedDocumentSpecification", "CreateFeedSpecification"],
        ),
        ("LISTINGS", "listingsItems_2021-08-01.json", ["ListingsItemPatchRequest"]),
        ("REPORTS", "reports_2021-06-30.json", ["CreateReportSpecification"]),
    ],
)
def test_definitions_match(copy, model, roots):
    assert getattr(model_data, copy) == closure(model, roots)


def test_listings_feed_schema_matches():
    official = json.loads(
        (MODELS / "feeds" / "listings-feed-schema-v2.json").read_text()
    )
    assert model_data.LISTINGS_FEED == reduce(official)


def test_validator_agrees_with_jsonschema():
    """The stdlib validator and jsonschema accept and reject the same bodies."""
    from simulator.testing import validator

    reference = validator("ordersV0.json", "ConfirmShipmentRequest")
    base = {
        "marketplaceId": "A1PA6795UKMFR9",
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "DHL",
            "trackingNumber": "1",
            "shipDate": "2026-01-01T00:00:00Z",
            "orderItems": [{"orderItemId": "1", "quantity": 1}],
        },
    }
    variants = [base]
    for key in base["packageDetail"]:
        broken = json.loads(json.dumps(base))
        del broken["packageDetail"][key]
        variants.append(broken)
    for value in (1, None, True, [], "x"):
        broken = json.loads(json.dumps(base))
        broken["packageDetail"]["orderItems"][0]["quantity"] = value
        variants.append(broken)
    extra = json.loads(json.dumps(base))
    extra["packageDetail"]["foo"] = 1
    variants += [extra, {}, [], "x", dict(base, codCollectionMethod="Cash")]
    for body in variants:
        ours = not CONFIRM_SHIPMENT.problems(body)
        theirs = reference.is_valid(body)
        assert ours == theirs, body
    assert isinstance(CONFIRM_SHIPMENT, Validator)
