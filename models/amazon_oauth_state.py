# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

STATE_MINUTES = 10  # life of the ``state`` sent to Amazon
PENDING_MINUTES = 5  # life of a token waiting for the user's confirmation


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
        return row

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
