# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Linking a seller account: Amazon's website authorization workflow.

Button (issues the ``state``) → Seller Central consent page →
``/amazon_seller_connector/oauth/callback`` → linked. The ``state``
is signed with the database secret (``hash_sign``), bound to the database,
the account and the user, valid 10 minutes, and its nonce is consumed once.
"""

import binascii
import logging
import re
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import psycopg2

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import mute_logger, str2bool
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..spapi import (
    InvalidClient,
    InvalidGrant,
    SpApiError,
    ThrottledError,
    TransientError,
)
from ..spapi.const import MARKETPLACES
from .amazon_oauth_state import PENDING_MINUTES, STATE_MINUTES

_logger = logging.getLogger(__name__)

CALLBACK_PATH = "/amazon_seller_connector/oauth/callback"
STATE_SCOPE = "amazon_seller_connector.oauth_state"
PENDING_SCOPE = "amazon_seller_connector.oauth_pending"
MANAGER_GROUP = "amazon_seller_connector.group_amazon_manager"
#: Amazon's own Seller Central hosts: the only consent pages ever used
SELLER_CENTRAL_HOSTS = frozenset(m.seller_central for m in MARKETPLACES.values())
#: Amazon merchant tokens ("A3TH9S8BH6GOGM"): upper-case letters and digits
SELLER_ID_PATTERN = re.compile(r"A[0-9A-Z]{7,31}")
TODO = "mail.mail_activity_data_todo"


class AmazonLinkError(UserError):
    """A linking failure shown to the user; ``account`` gets the back button."""

    def __init__(self, message, account=None):
        super().__init__(message)
        self.account = account


class AmazonSellerAccount(models.Model):
    _inherit = "amazon.seller.account"

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_amazon_link(self):
        """'Link new webshop' / 'Re-authorize': off to Amazon's consent page."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._amazon_consent_url(),
            "target": "self",
        }

    def _amazon_check_manager(self):
        """Only Amazon administrators allowed to edit the account may link it."""
        if not self.env.user.has_group(MANAGER_GROUP) or not self.has_access("write"):
            raise AccessError(
                self.env._(
                    "Only Amazon administrators can link Amazon seller accounts."
                )
            )

    def _amazon_form_url(self):
        return f"/odoo/amazon-accounts/{self.id}" if self else "/odoo/amazon-accounts"

    # ------------------------------------------------------------------
    # Consent URL and state
    # ------------------------------------------------------------------
    def _amazon_consent_url(self):
        """Seller Central consent URL with a fresh single-use ``state``."""
        self.ensure_one()
        self._amazon_check_manager()
        app_id = self._amazon_app_param("application_id")
        if not app_id or not self._amazon_app_param("lwa_client_id"):
            raise AmazonLinkError(
                self.env._(
                    "The Amazon application is not set up yet. Please enter the "
                    "application ID and the LWA credentials in the settings."
                ),
                self,
            )
        consent = f"{self._amazon_seller_central_url()}/apps/authorize/consent"
        nonce = self.env["amazon.oauth.state"]._issue(self)
        params = {
            "application_id": app_id,
            "state": self._amazon_sign(STATE_SCOPE, nonce.jti, STATE_MINUTES),
            "redirect_uri": self.get_base_url() + CALLBACK_PATH,
        }
        if str2bool(self._amazon_app_param("app_is_draft") or "0", False):
            params["version"] = "beta"
        return f"{consent}?{urlencode(params)}"

    def _amazon_seller_central_url(self):
        """Seller Central of the home marketplace (or the allowed simulator).

        The consent page is only ever one of Amazon's own Seller Central
        hosts (``SELLER_CENTRAL_HOSTS``), whatever the marketplace record
        says: together with the ``state`` bound to the user's session, these
        locked hosts are what protects the flow (Amazon's Sellers API does
        not tell which seller granted the code, so the callback cannot check
        ``selling_partner_id`` against Amazon).
        """
        endpoint = self._amazon_endpoint()
        if endpoint:
            return endpoint
        marketplace = self.home_marketplace_id
        if marketplace.region != self.region:
            marketplace = marketplace.search([("region", "=", self.region)], limit=1)
        url = (marketplace.seller_central_url or "").rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in SELLER_CENTRAL_HOSTS:
            raise AmazonLinkError(
                self.env._(
                    "The Seller Central address of the marketplace %(marketplace)s "
                    "is not one of Amazon's. Nothing was sent. Please ask your "
                    "system administrator to check the marketplace.",
                    marketplace=marketplace.name,
                ),
                self,
            )
        return f"https://{parts.hostname}"

    def _amazon_sign(self, scope, jti, minutes):
        values = {
            "db": self.env.cr.dbname,
            "account": self.id,
            "uid": self.env.uid,
            "jti": jti,
        }
        return hash_sign(
            self.env(su=True), scope, values, expiration=timedelta(minutes=minutes)
        )

    @api.model
    def _amazon_verify(self, token, scope=STATE_SCOPE, kind="request"):
        """Account and stored nonce values of a signed token, consumed once."""
        payload = self._amazon_signed_payload(token, scope)
        if not payload or payload.get("db") != self.env.cr.dbname:
            raise AmazonLinkError(self._amazon_msg_state_invalid())
        account = self.browse(payload["account"]).exists()
        if payload.get("uid") != self.env.uid:
            raise AmazonLinkError(
                self.env._(
                    "This authorization was started by another user. Please start "
                    "the linking yourself from the Amazon account."
                ),
                account,
            )
        row = self.env["amazon.oauth.state"]._consume(payload["jti"], kind)
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
    def _amazon_signed_payload(self, token, scope):
        try:
            payload = verify_hash_signed(self.env(su=True), scope, token or "")
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            return None
        keys = {"db", "account", "uid", "jti"}
        if not isinstance(payload, dict) or not keys <= payload.keys():
            return None
        return payload

    def _amazon_msg_state_invalid(self):
        return self.env._(
            "The answer from Amazon could not be verified: the authorization link "
            "is invalid or older than %(minutes)s minutes. Nothing was saved. "
            "Please start the linking again.",
            minutes=STATE_MINUTES,
        )

    # ------------------------------------------------------------------
    # Callback: code exchange and linking
    # ------------------------------------------------------------------
    def _amazon_link(self, code, selling_partner_id):
        """Exchange the code and link; returns a pending record to confirm
        when the account is re-authorized with another seller id."""
        self.ensure_one()
        if not code or not selling_partner_id:
            raise AmazonLinkError(
                self.env._("Amazon's answer is incomplete. Nothing was saved."), self
            )
        # untrusted input: only the shape of Amazon's merchant tokens passes
        if not SELLER_ID_PATTERN.fullmatch(selling_partner_id):
            raise AmazonLinkError(
                self.env._(
                    "Amazon's answer contains an invalid seller ID. Nothing was saved."
                ),
                self,
            )
        self._amazon_check_seller_free(selling_partner_id)
        refresh_token = self._amazon_exchange_code(code)
        if self.selling_partner_id and self.selling_partner_id != selling_partner_id:
            return self.env["amazon.oauth.state"]._issue(
                self,
                kind="pending",
                selling_partner_id=selling_partner_id,
                refresh_token=refresh_token,
            )
        self._amazon_finish_link(selling_partner_id, refresh_token)
        return None

    def _amazon_pending_token(self, pending):
        """Signed reference to a pending re-authorization (for the form)."""
        return self._amazon_sign(PENDING_SCOPE, pending.jti, PENDING_MINUTES)

    @api.model
    def _amazon_confirm_pending(self, token):
        """The user confirmed linking another seller id: use the kept token."""
        account, row = self._amazon_verify(token, PENDING_SCOPE, "pending")
        account._amazon_check_seller_free(row["selling_partner_id"])
        account._amazon_finish_link(row["selling_partner_id"], row["refresh_token"])
        return account

    @api.model
    def _amazon_cancel_pending(self, token):
        """Drop a pending re-authorization; returns its account."""
        account, _row = self._amazon_verify(token, PENDING_SCOPE, "pending")
        return account

    def _amazon_check_seller_free(self, selling_partner_id):
        """One seller account is linked once, across all companies."""
        domain = Domain("selling_partner_id", "=", selling_partner_id) & Domain(
            "id", "!=", self.id
        )
        # sudo: the seller must be free in every company, also in those the
        # user cannot see (whose accounts are then not named)
        other = self.sudo().with_context(active_test=False).search(domain, limit=1)
        if other:
            raise self._amazon_seller_taken_error(selling_partner_id, other)

    def _amazon_seller_taken_error(self, selling_partner_id, other=None):
        visible = other and other.company_id in self.env.user.company_ids
        if visible:
            message = self.env._(
                "This Amazon seller account (%(seller)s) is already linked to the "
                "Amazon account “%(account)s”. A seller account can only be "
                "linked once. Nothing was saved.",
                seller=selling_partner_id,
                account=other.display_name,
            )
        else:
            message = self.env._(
                "This Amazon seller account (%(seller)s) is already linked in "
                "another company. A seller account can only be linked once. "
                "Nothing was saved.",
                seller=selling_partner_id,
            )
        return AmazonLinkError(message, self)

    def _amazon_exchange_code(self, code):
        """Refresh token for ``spapi_oauth_code`` (valid 5 minutes, once)."""
        try:
            with self._amazon_client(purpose="link") as client:
                return client.exchange_authorization_code(code)["refresh_token"]
        except SpApiError as error:
            raise self._amazon_link_error(error) from None

    def _amazon_fetch_participations(self, refresh_token):
        try:
            with self._amazon_client(refresh_token, purpose="link") as client:
                return client.get_marketplace_participations()
        except SpApiError as error:
            raise self._amazon_link_error(error) from None

    def _amazon_link_error(self, error):
        """User-facing error for an SP-API failure (never the secrets)."""
        _logger.warning(
            "Amazon account %s: linking failed: %s", self.id, type(error).__name__
        )
        if isinstance(error, InvalidGrant):
            message = self.env._(
                "Amazon did not accept the authorization code: it is only valid for "
                "5 minutes and only once. Nothing was saved. Please start the "
                "linking again."
            )
        elif isinstance(error, InvalidClient):
            message = self.env._(
                "Amazon rejected the application credentials (LWA client ID or "
                "client secret). Please check the Amazon settings. Nothing was saved."
            )
        elif isinstance(error, (TransientError, ThrottledError)):
            message = self.env._(
                "Amazon could not be reached (network error or timeout). Nothing "
                "was saved. Please try again in a few minutes."
            )
        else:
            message = self.env._(
                "Amazon sent an unexpected answer. Nothing was saved. Please try "
                "again later."
            )
        return AmazonLinkError(message, self)

    def _amazon_finish_link(self, selling_partner_id, refresh_token):
        participations = self._amazon_fetch_participations(refresh_token)
        values = self._amazon_prepare_link_values(participations)
        values.update(
            selling_partner_id=selling_partner_id,
            refresh_token=refresh_token,
            state="linked",
        )
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                # sudo: the token is a system field; the manager was checked
                self.sudo().write(values)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation:
            # a concurrent callback linked the same seller first
            raise self._amazon_seller_taken_error(selling_partner_id) from None
        self.activity_feedback(
            [TODO], feedback=self.env._("The Amazon account was re-authorized.")
        )
        _logger.info("Amazon account %s linked", self.id)

    def _amazon_prepare_link_values(self, participations):
        """Participating marketplaces known in Odoo; selection defaults to all."""
        ids = [p["marketplace_id"] for p in participations if p.get("participating")]
        available = self.env["amazon.seller.marketplace"].search(
            [("amazon_marketplace_id", "in", ids)]
        )
        selected = self.marketplace_ids & available or available
        return {
            "available_marketplace_ids": [(6, 0, available.ids)],
            "marketplace_ids": [(6, 0, selected.ids)],
        }

    # ------------------------------------------------------------------
    # Token health
    # ------------------------------------------------------------------
    def _amazon_handle_auth_error(self, error):
        """React to an SP-API authorization error of this account.

        A rejected refresh token (``InvalidGrant``: revoked or expired) puts
        the account in 'needs re-authorization' and gives its responsible a
        to-do. Never raises; returns True when the account needs the user.
        Call it from scheduled actions, then go on with the next account.
        """
        self.ensure_one()
        if not isinstance(error, InvalidGrant):
            _logger.warning(
                "Amazon account %s: SP-API request failed: %s",
                self.id,
                type(error).__name__,
            )
            return False
        _logger.warning(
            "Amazon account %s: refresh token rejected, needs re-authorization",
            self.id,
        )
        if self.state != "reauth":
            self.sudo().write({"state": "reauth"})
            self._amazon_schedule_reauth_activity()
        return True

    def _amazon_schedule_reauth_activity(self):
        user = self.responsible_id or self.create_uid
        self.sudo().activity_schedule(
            TODO,
            user_id=user.id,
            summary=self.env._("Re-authorize the Amazon account"),
            note=self.env._(
                "Amazon no longer accepts the authorization of this account (it "
                "was revoked or has expired). Open the account and click "
                "“Re-authorize”."
            ),
        )

    def _amazon_check_connection(self):
        """Ask Amazon for the participations of each account; never raises.

        Accounts whose authorization is gone are set to re-authorize; the
        others go on. Returns the accounts that answered.
        """
        ok = self.browse()
        for account in self.filtered(lambda a: a.state == "linked"):
            try:
                with account._amazon_client(max_retries=1) as client:
                    client.get_marketplace_participations()
            except SpApiError as error:
                account._amazon_handle_auth_error(error)
                continue
            ok |= account
        return ok
