# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transactions of the connector's long runs (imports, outbound queue)."""

from contextlib import contextmanager
from contextvars import ContextVar

from odoo import modules

from .jobs import in_job

#: lookups made once per page of an import (see :func:`page_memo`)
_PAGE_MEMO = ContextVar("amazon_page_memo", default=None)


def can_commit(env):
    """True unless inside a test's single transaction or a queue_job job
    (a job is one transaction: queue_job commits it when it is done).

    Tests that go through the real commit path use Odoo's registry test
    mode, whose cursors (``TestCursor``) turn commits into savepoints.
    """
    if in_job(env):
        return False
    if not modules.module.current_test:
        return True
    return type(env.cr).__name__ == "TestCursor"


def commit_progress(env, processed=0, remaining=None):
    """Commit what is done, report progress to a running scheduled action and
    return the seconds it has left (infinite outside scheduled actions)."""
    if not can_commit(env):
        return float("inf")
    cron = env["ir.cron"]
    if remaining is None:
        left = cron._commit_progress(processed)
    else:
        left = cron._commit_progress(processed, remaining=remaining)
    env.invalidate_all()  # frees the memory of what was committed
    return left


@contextmanager
def page_memo():
    """While one page of an import is processed, the lookups that only the
    page's own orders could change (currency and pricelist, the sale taxes,
    countries) are made once instead of once per order.

    A page is one transaction (repeatable read): nothing else changes these
    records meanwhile. What an order creates itself (a pricelist, a
    price-included tax) is remembered too; an order that fails (its
    savepoint rolled back) forgets everything, see :func:`forget_page_memo`.
    """
    token = _PAGE_MEMO.set({})
    try:
        yield
    finally:
        _PAGE_MEMO.reset(token)


def page_memoized(model, key, lookup):
    """``lookup()`` (a recordset of ``model``), made once per page of an
    import for this user and these companies; outside a page, every call
    looks up. Returns the records in ``model``'s environment."""
    memo = _PAGE_MEMO.get()
    if memo is None:
        return lookup()
    env = model.env
    key = (model._name, env.uid, env.su, tuple(env.companies.ids), *key)
    ids = memo.get(key)
    if ids is None:
        records = lookup()
        memo[key] = tuple(records.ids)
        return records
    return model.browse(ids)


def forget_page_memo():
    """Forget the page's lookups (an order failed: what it created is rolled
    back; or it created a record that changes a lookup)."""
    memo = _PAGE_MEMO.get()
    if memo is not None:
        memo.clear()


#: FBA sale orders of a chunk of a page, delivered together (see
#: :func:`deferred_fba_deliveries`)
_FBA_DELIVERIES = ContextVar("amazon_fba_deliveries", default=None)


@contextmanager
def deferred_fba_deliveries():
    """Collect the FBA sale orders delivered inside the block: yields the
    list of their ids, to be delivered together once the block is done (one
    validation of many deliveries costs much less than many of one)."""
    ids = []
    token = _FBA_DELIVERIES.set(ids)
    try:
        yield ids
    finally:
        _FBA_DELIVERIES.reset(token)


def defer_fba_delivery(sale_orders):
    """True when ``sale_orders`` are delivered later, with the others of
    their chunk (inside :func:`deferred_fba_deliveries`)."""
    ids = _FBA_DELIVERIES.get()
    if ids is None:
        return False
    ids.extend(sale_orders.ids)
    return True
