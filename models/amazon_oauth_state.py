# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .. import vault

STATE_MINUTES = 10  # life of the ``state`` sent to Amazon
PENDING_MINUTES = 5  # life of a token waiting for the user's confirmation
MAX_OPEN_PER_USER = 5  # older open requests of a user are dropped


class AmazonOAuthState(models.Model):
    """Server-side half of an authorization flow, usable once.

    ``request``: the nonce (``jti``) of a ``state`` sent to Amazon.
    ``pending``: a refresh token already obtained for another seller id,
    kept a few minutes until the user confirms the re-authorization.
    Only ever read and written with sudo; deleted when consumed.
    """

    _name = "amazon.oauth.state"
    _description = "Amazon Authorization Request"
    _log_access = False

    jti = fields.Char(string="Nonce", required=True, readonly=True)
    kind = fields.Selection(
        [("request", "Authorization request"), ("pending", "Pending confirmation")],
        required=True,
        default="request",
    )
    account_id = fields.Many2one(
        "amazon.seller.account", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    expires_at = fields.Datetime(required=True)
    selling_partner_id = fields.Char(string="Seller ID")
    refresh_token = fields.Char(groups="base.group_system")

    _jti_uniq = models.UniqueIndex("(jti)")

    @api.model
    def _issue(self, account, kind="request", **values):
        """Store a new nonce for ``account`` and the current user."""
        minutes = STATE_MINUTES if kind == "request" else PENDING_MINUTES
        if values.get("refresh_token"):
            values["refresh_token"] = vault.encrypt(values["refresh_token"])
        self._drop_oldest(kind)
        # sudo: the rows are never readable by users (system-only model)
        return self.sudo().create(
            {
                "jti": secrets.token_urlsafe(24),
                "kind": kind,
                "account_id": account.id,
                "user_id": self.env.uid,
                "expires_at": fields.Datetime.now() + timedelta(minutes=minutes),
                **values,
            }
        )

    @api.model
    def _drop_oldest(self, kind):
        """Keep at most MAX_OPEN_PER_USER open rows per user and kind, so
        that nobody can fill the table by starting links again and again."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM amazon_oauth_state WHERE id IN ("
                " SELECT id FROM amazon_oauth_state WHERE user_id = %s AND kind = %s"
                " ORDER BY expires_at DESC, id DESC OFFSET %s)",
                self.env.uid,
                kind,
                MAX_OPEN_PER_USER - 1,
            )
        )
        self.invalidate_model()

    @api.model
    def _consume(self, jti, kind="request"):
        """Delete the nonce and return its values, or None if already used.

        One DELETE ... RETURNING: of two concurrent callbacks with the same
        state, only one gets the row (the other waits on the row lock, then
        finds nothing or fails to serialize and is retried to find nothing).
        """
        self.env.cr.execute(
            SQL(
                "DELETE FROM amazon_oauth_state WHERE jti = %s AND kind = %s "
                "RETURNING account_id, user_id, expires_at, selling_partner_id, "
                "refresh_token",
                jti,
                kind,
            )
        )
        row = self.env.cr.dictfetchone()
        self.invalidate_model()
        if not row or row["expires_at"] <= fields.Datetime.now():
            return None
        row["refresh_token"] = vault.decrypt(row["refresh_token"])
        return row

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
