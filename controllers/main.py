# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..exceptions import AmazonLinkError

_logger = logging.getLogger(__name__)

ACCOUNT = "amazon.seller.account"
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
#: OAuth 2.0 error codes (RFC 6749 4.1.2.1) that may appear in the log
KNOWN_OAUTH_ERRORS = frozenset(
    (
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
    )
)


class AmazonOAuthController(http.Controller):
    """Amazon's website authorization workflow (the SP-API developer guide,
    "Authorizing Selling Partner API applications").

    Starting a link is not a route: the account's button (a JSON-RPC call,
    which Odoo protects against CSRF) issues the ``state`` and returns the
    consent URL, so no GET request ever writes anything.
    """

    @http.route(
        "/amazon_seller_connector/oauth/callback",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def amazon_oauth_callback(
        self, state=None, spapi_oauth_code=None, selling_partner_id=None, **kwargs
    ):
        args = (state, spapi_oauth_code, selling_partner_id, kwargs.get("error"))
        try:
            account, pending = self._link(request.env[ACCOUNT], *args)
        except (UserError, AccessError) as error:
            return self._error_page(error, getattr(error, "account", None))
        if pending:
            return self._confirm_page(account, pending)
        return self._success_page(account)

    def _link(self, accounts, state, code, selling_partner_id, error):
        """Check the state first (it is consumed), then Amazon's answer."""
        try:
            account, _row = request.env["amazon.oauth.state"]._verify(state)
        except AmazonLinkError as exc:
            if error:
                raise self._declined(accounts, error, exc.account) from None
            raise
        if error:
            raise self._declined(accounts, error, account)
        return account, account._amazon_link(code, selling_partner_id)

    @http.route(
        "/amazon_seller_connector/oauth/confirm",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def amazon_oauth_confirm(self, token=None, decision=None, **kwargs):
        accounts = request.env[ACCOUNT]
        try:
            if decision != "confirm":
                account = accounts._amazon_cancel_pending(token)
                return request.redirect(account._amazon_form_url())
            account = accounts._amazon_confirm_pending(token)
        except (UserError, AccessError) as error:
            return self._error_page(error, getattr(error, "account", None))
        return self._success_page(account)

    # -- pages ------------------------------------------------------------

    def _declined(self, accounts, error_code, account):
        # never the parameter itself in the log (log injection): known codes only
        code = error_code if error_code in KNOWN_OAUTH_ERRORS else "other"
        _logger.info("Amazon authorization not granted: %s", code)
        return AmazonLinkError(
            accounts.env._(
                "The authorization was declined at Amazon. The account was not "
                "linked and nothing was saved."
            ),
            account,
        )

    def _render(self, template, values):
        response = request.render(template, values)
        response.headers.update(NO_REFERRER)
        return response

    def _success_page(self, account):
        return self._render(
            "amazon_seller_connector.amazon_oauth_success",
            {"account": account, "back_url": account._amazon_form_url()},
        )

    def _confirm_page(self, account, pending):
        return self._render(
            "amazon_seller_connector.amazon_oauth_confirm",
            {
                "account": account,
                "new_seller": pending.selling_partner_id,
                "token": pending._sign(),
                "back_url": account._amazon_form_url(),
            },
        )

    def _error_page(self, error, account=None):
        if not account or not account.exists() or not account.has_access("read"):
            account = request.env[ACCOUNT]
        message = error.args[0] if error.args else str(error)
        return self._render(
            "amazon_seller_connector.amazon_oauth_error",
            {
                "account": account,
                "message": message,
                "back_url": account._amazon_form_url(),
            },
        )
