# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amazon's rate limits, shared by every Odoo process on the database.

SP-API meters each operation per selling partner and application, whichever
worker or server sends. One row per (account key, operation) holds the
bucket's level; each request takes its token with one statement on a
cursor of its own, committed at once, so a long transaction never holds the
bucket and every process sees the same level. The clock is PostgreSQL's, so
servers with different clocks agree.
"""

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from ..spapi import StoredRateLimiter

#: one instant per statement (each token is its own statement)
_NOW = SQL("(statement_timestamp() AT TIME ZONE 'UTC')")
_TRIES = 5


class AmazonSellerRateBucket(models.Model):
    _name = "amazon.seller.rate.bucket"
    _description = "Amazon Rate Limit Bucket"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    level = fields.Float(readonly=True, help="Tokens in the bucket (below 0: reserved)")
    stamp = fields.Datetime(readonly=True, help="When the level was computed")

    _key_unique = models.Constraint("UNIQUE(key)", "One bucket per key.")

    @api.model
    def _amazon_limiter(self, time_scale=1.0, max_wait=None):
        """A rate limiter whose buckets are these rows."""
        return StoredRateLimiter(
            _Store(self.env.registry), time_scale=time_scale, max_wait=max_wait
        )


class _Store:
    """The store of :class:`StoredRateLimiter`: one short transaction per
    token. Holds the registry only, so a client may outlive its request."""

    def __init__(self, registry):
        self.registry = registry

    def _run(self, query):
        """``query`` in a transaction of its own, committed at once; read
        committed, so that workers taking tokens of one bucket at the same
        moment wait for each other instead of failing to serialise."""
        for attempt in range(_TRIES):
            try:
                with self.registry.cursor() as cr:
                    if type(cr).__name__ != "TestCursor":  # tests share theirs
                        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute(query)
                    return cr.fetchone()
            except psycopg2.errors.TransactionRollbackError:
                if attempt == _TRIES - 1:
                    raise
        return None

    def give(self, key):
        self._run(
            SQL(
                "UPDATE amazon_seller_rate_bucket SET level = level + 1 "
                "WHERE key = %s RETURNING level",
                key,
            )
        )

    def take(self, key, pace, burst):
        return float(
            self._run(
                SQL(
                    """
                    INSERT INTO amazon_seller_rate_bucket AS b (key, level, stamp)
                    VALUES (%(key)s, %(burst)s - 1, %(now)s)
                    ON CONFLICT (key) DO UPDATE SET
                        level = LEAST(
                            %(burst)s,
                            b.level + %(pace)s * GREATEST(
                                0, EXTRACT(EPOCH FROM %(now)s - b.stamp)
                            )
                        ) - 1,
                        stamp = GREATEST(b.stamp, %(now)s)
                    RETURNING level
                    """,
                    key=key,
                    burst=float(burst),
                    pace=float(pace),
                    now=_NOW,
                )
            )[0]
        )

    def level(self, key, pace, burst):
        row = self._run(
            SQL(
                """
                SELECT LEAST(
                    %(burst)s,
                    level + %(pace)s * GREATEST(0, EXTRACT(EPOCH FROM %(now)s - stamp))
                )
                FROM amazon_seller_rate_bucket WHERE key = %(key)s
                """,
                key=key,
                burst=float(burst),
                pace=float(pace),
                now=_NOW,
            )
        )
        return float(burst) if row is None else float(row[0])
