"""Check requests sent to the stub against the official SP-API models."""

import functools
import json
from pathlib import Path

import jsonschema

MODELS = Path(__file__).resolve().parents[3] / "shared" / "spapi" / "models"


@functools.cache
def model(name):
    return json.loads((MODELS / name).read_text())


@functools.cache
def feed_schema(name):
    return json.loads((MODELS / "feeds" / name).read_text())


def validate_definition(model_name, definition, instance):
    """Validate ``instance`` against ``#/definitions/<definition>``."""
    schema = {
        "$ref": f"#/definitions/{definition}",
        "definitions": model(model_name)["definitions"],
    }
    jsonschema.Draft4Validator(schema).validate(instance)


def operation(model_name, operation_id):
    for path, methods in model(model_name)["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return path, method.upper(), op
    raise KeyError(operation_id)


def _check_value(param, text):
    values = text.split(",") if param.get("type") == "array" else [text]
    enum = (param.get("items") or {}).get("enum") or param.get("enum")
    for value in values:
        assert value, f"{param['name']}: empty value"
        if enum:
            assert value in enum, f"{param['name']}: {value!r} not in {enum}"
    if param.get("type") == "array" and "maxItems" in param:
        assert len(values) <= param["maxItems"], param["name"]
    if param.get("type") == "integer":
        number = int(text)
        assert number >= param.get("minimum", number), param["name"]
        assert number <= param.get("maximum", number), param["name"]
    if param.get("type") == "boolean":
        assert text in ("true", "false"), param["name"]


def check_request(model_name, operation_id, request, body_definition=None):
    """Method, path shape, query parameters and JSON body of a stub request."""
    path, method, op = operation(model_name, operation_id)
    assert request["method"] == method
    prefix = path.split("{", 1)[0]
    assert request["path"].startswith(prefix), (request["path"], path)
    params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
    for name, value in request["query"].items():
        assert name in params, f"{operation_id}: unknown query parameter {name}"
        _check_value(params[name], value)
    for name, param in params.items():
        if param.get("required"):
            assert name in request["query"], f"{operation_id}: {name} missing"
    body = [p for p in op.get("parameters", []) if p["in"] == "body"]
    if body:
        ref = body[0]["schema"]["$ref"].rsplit("/", 1)[1]
        assert body_definition in (None, ref)
        assert request["headers"].get("content-type", "").startswith("application/json")
        validate_definition(model_name, ref, request["json"])
    else:
        assert not request["raw"], f"{operation_id}: unexpected body"
    return request
