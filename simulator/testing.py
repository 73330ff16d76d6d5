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


def load_model(name):
    return json.loads((MODELS / name).read_text())


def _strict(node):
    """Copy of a schema where objects reject properties the model does not define."""
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def validator(model, definition):
    """jsonschema validator for ``#/definitions/<definition>`` of a swagger 2 model."""
    from jsonschema import Draft4Validator, FormatChecker

    defs = _strict(copy.deepcopy(load_model(model)["definitions"]))
    schema = {"$ref": f"#/definitions/{definition}", "definitions": defs}
    return Draft4Validator(schema, format_checker=FormatChecker())


def sample(name):
    return json.loads((SAMPLES / name).read_text())
