# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Keep buyer data out of the server log and out of user-visible reasons.

Odoo logs a failing SQL statement in full ("bad query: INSERT INTO
res_partner ... VALUES ('Hans Müller', 'Lindenweg 2', ...)"), and
psycopg2's message repeats the row ("Failing row contains (...)"). While
Amazon data is processed (:func:`buyer_data_guard`), such records of the
``odoo.sql_db`` logger are rewritten to name only the kind of error, the
table, the column and the constraint.
"""

import logging
import threading
from contextlib import contextmanager

import psycopg2

SQL_LOGGER = "odoo.sql_db"
_state = threading.local()


def describe_db_error(error):
    """``(kind, table, column, constraint)`` of a psycopg2 error, no values."""
    diag = getattr(error, "diag", None)
    kind = type(error).__name__
    if diag is None:
        return kind, None, None, None
    return kind, diag.table_name, diag.column_name, diag.constraint_name


def db_error_text(error):
    """A log-safe one-line description of a psycopg2 error."""
    kind, table, column, constraint = describe_db_error(error)
    parts = [kind]
    parts += [
        f"{label} {value}"
        for label, value in (
            ("table", table),
            ("column", column),
            ("constraint", constraint),
        )
        if value
    ]
    return ", ".join(parts)


class BuyerDataFilter(logging.Filter):
    """Rewrites "bad query" records while buyer data is processed."""

    def filter(self, record):
        if getattr(_state, "depth", 0) and str(record.msg).startswith("bad query"):
            args = record.args if isinstance(record.args, tuple) else ()
            error = args[-1] if args else None
            record.msg = "bad query (statement withheld: it may hold buyer data): %s"
            record.args = (
                db_error_text(error)
                if isinstance(error, psycopg2.Error)
                else type(error).__name__,
            )
        return True


class UrlQueryFilter(logging.Filter):
    """httpx logs every request URL at INFO; presigned document URLs carry
    signatures in their query: log the URL without its query string."""

    def filter(self, record):
        if str(record.msg).startswith("HTTP Request:") and isinstance(
            record.args, tuple
        ):
            record.args = tuple(
                _strip_query(arg) if i == 1 else arg
                for i, arg in enumerate(record.args)
            )
        return True


def _strip_query(url):
    text = str(url)
    base, _sep, query = text.partition("?")
    return f"{base}?…" if "signature" in query.lower() else text


def _install(logger_name, log_filter):
    logger = logging.getLogger(logger_name)
    if not any(type(f).__name__ == type(log_filter).__name__ for f in logger.filters):
        logger.addFilter(log_filter)


_install(SQL_LOGGER, BuyerDataFilter())
_install("httpx", UrlQueryFilter())


@contextmanager
def buyer_data_guard():
    """While active in this thread, failing statements are logged redacted."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
