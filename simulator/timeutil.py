"""ISO 8601 helpers (UTC, ``Z`` suffix as Amazon sends it)."""

from datetime import datetime, timezone


def parse_iso(value):
    """Parse an ISO 8601 date-time to epoch seconds; ``ValueError`` if invalid."""
    if not isinstance(value, str) or "T" not in value:
        raise ValueError(value)
    dt = datetime.fromisoformat(value.replace("z", "Z"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def iso(ts):
    """Format epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
