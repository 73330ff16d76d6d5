"""Test helpers for code that drives the simulator (needs requests/jsonschema)."""

import copy
import json
import os
import time
from pathlib import Path

import requests

from .constants import DEFAULTS

# Amazon's official models and samples: ../shared/spapi beside the repository
# (as CI lays it out), or SPAPI_SHARED.
SHARED = Path(
    os.environ.get(
        "SPAPI_SHARED", Path(__file__).resolve().parents[2] / "shared" / "spapi"
    )
)
MODELS = SHARED / "models"
SAMPLES = SHARED / "samples"
REFRESH = "Atzr|simulator-test-refresh"


class FakeClock:
    """Injectable clock: ``Simulator(clock=FakeClock())``; ``advance(seconds)``."""

    def __init__(self):
        self.now = float(int(time.time()))

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def access_token(sim, refresh=REFRESH):
    r = requests.post(
        sim.base_url + "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": DEFAULTS["client_id"],
            "client_secret": DEFAULTS["client_secret"],
        },
        timeout=5,
    )
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def api_get(sim, path, token=None, **params):
    headers = {"x-amz-access-token": token} if token else {}
    return requests.get(sim.base_url + path, params=params, headers=headers, timeout=5)


def api_call(sim, method, path, token=None, params=None, json=None, **kwargs):
    """Any SP-API call against the simulator (``json`` = request body)."""
    headers = {"x-amz-access-token": token} if token else {}
    return requests.request(
        method,
        sim.base_url + path,
        params=params,
        json=json,
        headers=headers,
        timeout=5,
        **kwargs,
    )


def upload_feed(sim, token, feed_type, content, content_type, **create):
    """createFeedDocument + PUT + createFeed; returns the createFeed response.

    ``create`` goes into the createFeed body (``marketplaceIds`` defaults to
    the simulator's first marketplace, ``feedOptions`` ...)."""
    from .constants import MARKETPLACES

    spec = {"contentType": content_type}
    r = api_call(sim, "POST", "/feeds/2021-06-30/documents", token, json=spec)
    assert r.status_code == 201, r.text
    doc = r.json()
    put = requests.put(
        doc["url"], data=content, headers={"Content-Type": content_type}, timeout=5
    )
    assert put.status_code == 200, put.text
    body = {
        "feedType": feed_type,
        "marketplaceIds": [MARKETPLACES[sim.marketplaces[0]][0]],
        "inputFeedDocumentId": doc["feedDocumentId"],
        **create,
    }
    return api_call(sim, "POST", "/feeds/2021-06-30/feeds", token, json=body)


def feed_result(sim, token, feed_id):
    """Process pending feeds now; returns (getFeed body, result bytes or None)."""
    import gzip

    sim.process_feeds()
    feed = api_call(sim, "GET", f"/feeds/2021-06-30/feeds/{feed_id}", token).json()
    doc_id = feed.get("resultFeedDocumentId")
    if not doc_id:
        return feed, None
    info = api_call(sim, "GET", f"/feeds/2021-06-30/documents/{doc_id}", token).json()
    data = requests.get(info["url"], timeout=5).content
    if info.get("compressionAlgorithm") == "GZIP":
        data = gzip.decompress(data)
    return feed, data


def load_model(name):
    return json.loads((MODELS / name).read_text())


def _strict(node, typed_only=False):
    """Copy of a schema where objects reject properties the model does not define.

    ``typed_only``: only nodes that say ``type: object`` (draft-07 documents use
    untyped ``oneOf`` branches that must stay open).
    """
    if isinstance(node, dict):
        out = {k: _strict(v, typed_only) for k, v in node.items()}
        typed = out.get("type") == "object" or not typed_only
        if "properties" in out and "additionalProperties" not in out and typed:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v, typed_only) for v in node]
    return node


def _merge_all_of(defs):
    """Replace ``allOf`` lists of object schemas by one object with all their
    properties (the finances ``Context`` is an allOf of alternatives, which a
    strict validator could never satisfy)."""
    for name, node in defs.items():
        parts = node.get("allOf")
        if not parts:
            continue
        merged = {"type": "object", "properties": {}, "required": []}
        for part in parts:
            if "$ref" in part:
                part = defs[part["$ref"].rsplit("/", 1)[-1]]
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        defs[name] = merged
    return defs


def validator(model, definition):
    """jsonschema validator for ``#/definitions/<definition>`` of a swagger 2 model."""
    from jsonschema import Draft4Validator, FormatChecker

    defs = _merge_all_of(copy.deepcopy(load_model(model)["definitions"]))
    defs = _strict(defs)
    schema = {"$ref": f"#/definitions/{definition}", "definitions": defs}
    return Draft4Validator(schema, format_checker=FormatChecker())


def document_validator(name):
    """Strict draft-07 validator for a schema under models/feeds/ (e.g.
    ``listings-feed-processing-report-schema-v2.json``)."""
    from jsonschema import Draft7Validator, FormatChecker

    schema = json.loads((MODELS / "feeds" / name).read_text())
    return Draft7Validator(_strict(schema, True), format_checker=FormatChecker())


def errors(v, body):
    """The first validation errors of ``body`` as readable strings."""
    found = sorted(v.iter_errors(body), key=str)
    return [f"{list(e.absolute_path)}: {e.message}" for e in found[:5]]


def sample(name):
    return json.loads((SAMPLES / name).read_text())
