# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""OCA ``queue_job`` for the connector's work, when it is installed and
switched on (Settings > Sales > Amazon Seller Connector).

There is no dependency on queue_job: without it (or switched off) the
scheduled actions import and send as before. With it, the scheduled actions
only hand out the work: each page of an import run and each transmission
becomes a job with an identity key, so the runner spreads them over the
workers of every Odoo server on the database.

Identity keys are checked by queue_job with a search that cannot see what a
concurrent transaction queues before it commits. :func:`enqueue` therefore
takes a transaction lock on the key first (leaving the key alone when
another transaction holds it) and looks for a job that another transaction
committed with a cursor of its own, so workers that queue the same page or
the same transmission at the same moment make one job.
"""

import math

from odoo.tools import SQL, str2bool

PARAM = "amazon_seller_connector.use_job_queue"
KEY_PREFIX = "amazon_seller_connector"
#: advisory-lock namespace of the identity keys being queued
LOCK_NAMESPACE = 742_319
#: queue_job states in which a job with the same identity key blocks a new one
ACTIVE_STATES = ("wait_dependencies", "pending", "enqueued")
#: channels: ``root.amazon.<kind>.<account id>``; an account's channel that
#: the runner's configuration does not name runs in its kind's channel
CHANNEL = "root.amazon.{kind}.{account}"
#: a job waits this long for its rate limit in the worker; longer, it is
#: postponed and gives the worker back
MAX_WAIT_SECONDS = 10.0


def installed(env):
    """queue_job is installed in this database."""
    return "queue.job" in env


def enabled(env):
    """The connector hands its work to queue_job."""
    if not installed(env):
        return False
    # sudo: the switch is a system parameter; whoever's action queues reads it
    params = env["ir.config_parameter"].sudo()
    return str2bool(params.get_param(PARAM) or "False")


def in_job(env):
    """This code runs inside a queue_job job (which must not commit)."""
    return bool(env.context.get("job_uuid"))


def channel(kind, account):
    return CHANNEL.format(kind=kind, account=account.id)


def enqueue(
    records,
    method,
    *args,
    key,
    kind,
    description,
    eta=None,
    priority=None,
    fresh=False,
):
    """Queue ``records.method(*args)`` as a job unless a job with ``key`` is
    waiting already; returns the job, or None.

    ``fresh``: the records were created in this transaction, so no other one
    can queue them: the check across transactions is left out.
    """
    env = records.env
    key = f"{KEY_PREFIX}:{key}"
    if not fresh:
        env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                LOCK_NAMESPACE,
                key,
            )
        )
        if not env.cr.fetchone()[0]:
            # another transaction queues this key right now: never wait for
            # it (no deadlock, no user held up); should it roll back, the
            # scheduled action queues the work again
            return None
        if _queued_elsewhere(env, key):
            return None
    account = records.account_id if "account_id" in records else records
    delayable = records.with_delay(
        channel=channel(kind, account[:1]),
        description=description,
        eta=eta,
        priority=priority,
        identity_key=key,
    )
    return getattr(delayable, method)(*args)


def _queued_elsewhere(env, key):
    """A job with ``key`` committed by another transaction is waiting.

    Asked on a cursor of its own, whose snapshot is taken after the lock on
    the key: it sees whatever the previous holder of the lock committed.
    """
    with env.registry.cursor() as cr:
        cr.execute(
            SQL(
                "SELECT 1 FROM queue_job WHERE identity_key = %s AND state IN %s "
                "LIMIT 1",
                key,
                ACTIVE_STATES,
            )
        )
        return bool(cr.fetchone())


def retry_later(message, seconds):
    """The exception that postpones the running job by ``seconds`` without
    counting it as a failed try (a 429, a lock held by another run)."""
    from odoo.addons.queue_job.exception import RetryableJobError  # noqa: PLC0415

    return RetryableJobError(
        message, seconds=max(1, math.ceil(seconds)), ignore_retry=True
    )
