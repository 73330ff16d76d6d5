# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import binascii
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import hash_sign, verify_hash_signed

from .. import vault
from ..exceptions import AmazonLinkError

STATE_MINUTES = 10  # life of the ``state`` sent to Amazon
PENDING_MINUTES = 5  # life of a token waiting for the user's confirmation
MAX_OPEN_PER_USER = 5  # older open requests of a user are dropped
SCOPES = {
    "request": ("amazon_seller_connector.oauth_state", STATE_MINUTES),
    "pending": ("amazon_seller_connector.oauth_pending", PENDING_MINUTES),
}
SIGNED_KEYS = frozenset(("db", "account", "uid", "jti"))


class AmazonOAuthState(models.Model):
    """Server-side half of an authorization flow, usable once.

    ``request``: the nonce (``jti``) of a ``state`` sent to Amazon.
    ``pending``: a refresh token already obtained for another seller id,
    kept a few minutes until the user confirms the re-authorization.
    The signed token given out (``hash_sign`` with the database secret) is
    bound to the database, the account and the user, and expires; its nonce
    is consumed once. Only ever read and written with sudo.
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

    # ------------------------------------------------------------------
    # Issue
    # ------------------------------------------------------------------
    @api.model
    def _issue(self, account, kind="request", **values):
        """Store a new nonce for ``account`` and the current user."""
        minutes = SCOPES[kind][1]
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
    def _issue_signed(self, account, kind="request", **values):
        """A new nonce, as the signed token handed out (the ``state``)."""
        return self._sign(self._issue(account, kind, **values))

    def _sign(self, row=None):
        """The signed token of this row (``state`` or pending reference)."""
        row = row or self
        scope, minutes = SCOPES[row.kind]
        values = {
            "db": self.env.cr.dbname,
            "account": row.account_id.id,
            "uid": self.env.uid,
            "jti": row.jti,
        }
        return hash_sign(
            self.env(su=True), scope, values, expiration=timedelta(minutes=minutes)
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

    # ------------------------------------------------------------------
    # Verify and consume
    # ------------------------------------------------------------------
    @api.model
    def _verify(self, token, kind="request"):
        """``(account, row)`` of a signed token, its nonce consumed once.

        Raises AmazonLinkError for a forged, expired, replayed or foreign
        token, and AccessError when the user may not link the account.
        """
        payload = self._signed_payload(token, SCOPES[kind][0])
        Account = self.env["amazon.seller.account"]
        if not payload or payload.get("db") != self.env.cr.dbname:
            raise AmazonLinkError(self._msg_state_invalid())
        account = Account.browse(payload["account"]).exists()
        if payload.get("uid") != self.env.uid:
            raise AmazonLinkError(
                self.env._(
                    "This authorization was started by another user. Please start "
                    "the linking yourself from the Amazon account."
                ),
                account,
            )
        row = self._consume(payload["jti"], kind)
        if (
            not row
            or not account
            or row["account_id"] != account.id
            or row["user_id"] != self.env.uid
        ):
            raise AmazonLinkError(
                self.env._(
                    "This authorization has already been used or has expired. "
                    "Please start the linking again."
                ),
                account,
            )
        account._amazon_check_manager()
        return account, row

    @api.model
    def _signed_payload(self, token, scope):
        try:
            payload = verify_hash_signed(self.env(su=True), scope, token or "")
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict) or not SIGNED_KEYS <= payload.keys():
            return None
        return payload

    def _msg_state_invalid(self):
        return self.env._(
            "The answer from Amazon could not be verified: the authorization link "
            "is invalid or older than %(minutes)s minutes. Nothing was saved. "
            "Please start the linking again.",
            minutes=STATE_MINUTES,
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
        row["refresh_token"] = self.env["amazon.seller.account"]._amazon_decrypt(
            row["refresh_token"]
        )
        return row

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
