"""Request-body checks shared by the write operations (Amazon-style 400s)."""

import json

from .orders_api import invalid
from .schema import strip_unknown

LEADS = {
    "type": "Please check the fields with invalid type",
    "missing": "Please check the fields with missing values",
}


def json_body(request):
    """The parsed JSON body, or 400 ``InvalidInput``."""
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        raise invalid(
            "The input you have submitted is not valid. The request body is not "
            "valid JSON."
        ) from None


def checked(validator, body, strict=False):
    """``(clean_body, ignored_fields)`` or 400 ``InvalidInput``.

    Properties the model does not define are dropped (Amazon ignores them; the
    python-amazon-sp-api library sends some, e.g. ``path``) and reported in
    ``ignored_fields``; ``strict=True`` rejects them instead.
    """
    problems = validator.problems(body)
    unknown = [p for p in problems if p.kind == "unknown"]
    bad = [p for p in problems if p.kind != "unknown" or strict]
    if bad:
        raise invalid(problem_message(bad), "; ".join(map(repr, bad)))
    return strip_unknown(body, unknown), sorted(p.dotted for p in unknown)


def problem_message(problems):
    kind = problems[0].kind
    fields = sorted({p.dotted or "body" for p in problems if p.kind == kind})
    lead = LEADS.get(kind, "Please check the fields with invalid values")
    return f"The input you have submitted is not valid. {lead} [{', '.join(fields)}]."
