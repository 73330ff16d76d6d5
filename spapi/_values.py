"""Small readers shared by the response parsers (dates, numbers, lists).

Errors are :class:`InvalidResponse` naming the context (an id such as a SKU
or transaction id, never buyer data) and the field, not the value.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .errors import InvalidResponse


def timestamp(value, context, what="date"):
    """ISO 8601 string -> naive UTC datetime, None when absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidResponse(f"{context}: {what} is not a string")
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidResponse(f"{context}: unreadable {what}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def decimal(value, context, what="amount"):
    """JSON number or numeric string -> Decimal, None when absent.

    JSON numbers arrive as floats: ``str(float)`` is the shortest text that
    reads back as the same float, i.e. the digits Amazon sent for any amount
    of up to 15 significant digits, so no binary noise enters the Decimal.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidResponse(f"{context}: {what} is not a number")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidResponse(f"{context}: {what} is not a number") from None
    if not result.is_finite():
        raise InvalidResponse(f"{context}: {what} is not a finite number")
    return result


def integer(value, context, what="quantity"):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidResponse(f"{context}: {what} is not an integer")
    try:
        return int(value)
    except ValueError:
        raise InvalidResponse(f"{context}: {what} is not an integer") from None


def objects(value, context, what):
    """A list of dicts (None -> empty tuple)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidResponse(f"{context}: {what} is not a list of objects")
    return tuple(value)


def mapping(value, context, what):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidResponse(f"{context}: {what} is not an object")
    return value


def strings(value, context, what):
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidResponse(f"{context}: {what} is not a list")
    return tuple(str(v) for v in value)
