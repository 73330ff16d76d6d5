# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo-side errors of the connector (the SP-API's are in ``spapi.errors``).

Their messages are our own sentences: they may be shown to users and stored
on records, so they never repeat buyer data or a database row.
"""

from odoo.exceptions import UserError


class AmazonImportError(UserError):
    """An Amazon order cannot become a sale order; the message says why."""


class AmazonEndpointError(UserError):
    """The account's API endpoint is not allowed on this server."""


class AmazonLinkError(UserError):
    """A linking failure shown to the user; ``account`` gets the back button."""

    def __init__(self, message, account=None):
        super().__init__(message)
        self.account = account


class AmazonSecretError(UserError):
    """A stored Amazon secret cannot be decrypted (missing or changed key)."""
