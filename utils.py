# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transactions of the connector's long runs (imports, outbound queue)."""

from odoo import modules


def can_commit(env):
    """True unless inside a test's single transaction or a queue_job job
    (a job is one transaction: queue_job commits it when it is done).

    Tests that go through the real commit path use Odoo's registry test
    mode, whose cursors (``TestCursor``) turn commits into savepoints.
    """
    if env.context.get("job_uuid"):
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
