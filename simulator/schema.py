"""A small JSON Schema validator for the request bodies the simulator accepts.

Covers the keywords the SP-API models use (swagger 2 ``definitions`` and the
draft-07 listings feed schema): ``$ref``, ``type``, ``enum``, ``const``,
``required``, ``properties``, ``additionalProperties``, ``minProperties``,
``items``, ``minItems``, ``maxItems``, ``minimum``, ``maximum``, ``minLength``,
``oneOf``, boolean schemas and ``format: date-time``. ``strict=True`` rejects
properties an object schema (``type: object`` with ``properties``) does not
define, like the test-suite's strict validators.
"""

import copy

from .model_data import (
    FEEDS,
    LISTINGS,
    LISTINGS_FEED,
    ORDERS_V0,
    REPORTS,
)
from .timeutil import parse_iso

DROP_KEYS = frozenset(
    (
        "description",
        "title",
        "examples",
        "example",
        "$comment",
        "$schema",
        "default",
    )
)
TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def reduce(node):
    """The validation-relevant part of a schema (no texts, examples, x-*)."""
    if isinstance(node, dict):
        return {
            k: reduce(v)
            for k, v in node.items()
            if k not in DROP_KEYS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [reduce(v) for v in node]
    return node


class Problem:
    """One violation: ``kind`` missing/type/value/forbidden/unknown (an undefined
    property), ``path`` a tuple of keys and indexes."""

    __slots__ = ("kind", "message", "path")

    def __init__(self, kind, path, message):
        self.kind, self.path, self.message = kind, path, message

    @property
    def dotted(self):
        out = ""
        for part in self.path:
            out += (
                f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
            )
        return out

    def __repr__(self):
        return f"{self.dotted or '(root)'}: {self.message}"


class Validator:
    def __init__(self, schema, definitions=None, strict=True):
        self.schema = schema
        self.definitions = definitions or schema.get("definitions", {})
        self.strict = strict

    def problems(self, value):
        out = []
        self._check(self.schema, value, (), out)
        return out

    # -- keywords ------------------------------------------------------------
    def _check(self, schema, value, path, out):
        if schema is True:
            return
        if schema is False:
            out.append(Problem("forbidden", path, "is not allowed here"))
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            self._check(self.definitions[name], value, path, out)
            return
        expected = schema.get("type")
        if expected and not _is_type(value, expected):
            out.append(Problem("type", path, f"must be of type {expected}"))
            return
        if "const" in schema and value != schema["const"]:
            out.append(Problem("value", path, f"must be {schema['const']!r}"))
        if "enum" in schema and value not in schema["enum"]:
            out.append(
                Problem("value", path, "must be one of " + ", ".join(schema["enum"]))
            )
        if isinstance(value, dict):
            self._object(schema, value, path, out)
        elif isinstance(value, list):
            self._array(schema, value, path, out)
        elif isinstance(value, str):
            self._string(schema, value, path, out)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self._number(schema, value, path, out)
        if "oneOf" in schema:
            self._one_of(schema["oneOf"], value, path, out)

    def _object(self, schema, value, path, out):
        props = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                out.append(Problem("missing", path + (name,), "is required"))
        if len(value) < schema.get("minProperties", 0):
            out.append(
                Problem(
                    "value", path, f"needs at least {schema['minProperties']} entries"
                )
            )
        extra = schema.get("additionalProperties")
        if extra is None and self.strict and props and schema.get("type") == "object":
            extra = False
        for key, item in value.items():
            if key in props:
                self._check(props[key], item, path + (key,), out)
            elif extra is False:
                out.append(Problem("unknown", path + (key,), "is not defined"))
            elif isinstance(extra, dict):
                self._check(extra, item, path + (key,), out)

    def _array(self, schema, value, path, out):
        if len(value) < schema.get("minItems", 0):
            out.append(
                Problem("value", path, f"needs at least {schema['minItems']} items")
            )
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(
                Problem("value", path, f"accepts at most {schema['maxItems']} items")
            )
        if "items" in schema:
            for index, item in enumerate(value):
                self._check(schema["items"], item, path + (index,), out)

    @staticmethod
    def _string(schema, value, path, out):
        if len(value) < schema.get("minLength", 0):
            out.append(Problem("value", path, "is too short"))
        if schema.get("format") == "date-time":
            try:
                parse_iso(value)
            except ValueError:
                out.append(Problem("type", path, "must be an ISO 8601 date-time"))

    @staticmethod
    def _number(schema, value, path, out):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(Problem("value", path, f"must be >= {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            out.append(Problem("value", path, f"must be <= {schema['maximum']}"))

    def _one_of(self, branches, value, path, out):
        results = []
        for branch in branches:
            found = []
            self._check(branch, value, path, found)
            results.append(found)
        matching = sum(not r for r in results)
        if matching == 1:
            return
        if matching == 0:
            best = min(results, key=len)
            out.extend(best)
        else:
            out.append(Problem("value", path, "matches more than one alternative"))


def _is_type(value, expected):
    if isinstance(value, bool) and expected in ("integer", "number"):
        return False
    return isinstance(value, TYPES[expected])


def strip_unknown(value, problems):
    """Copy of ``value`` without the undefined properties ``problems`` name."""
    value = copy.deepcopy(value)
    for problem in problems:
        if problem.kind != "unknown":
            continue
        node = value
        for part in problem.path[:-1]:
            node = node[part]
        node.pop(problem.path[-1], None)
    return value


def definition(definitions, name):
    return Validator({"$ref": f"#/definitions/{name}"}, definitions)


CONFIRM_SHIPMENT = definition(ORDERS_V0, "ConfirmShipmentRequest")
CREATE_FEED_DOCUMENT = definition(FEEDS, "CreateFeedDocumentSpecification")
CREATE_FEED = definition(FEEDS, "CreateFeedSpecification")
LISTINGS_PATCH = definition(LISTINGS, "ListingsItemPatchRequest")
CREATE_REPORT = definition(REPORTS, "CreateReportSpecification")
LISTINGS_FEED_DOCUMENT = Validator(LISTINGS_FEED, {})
