# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .. import jobs, vault

SECRET_PARAM = "amazon_seller_connector.lwa_client_secret"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    amazon_application_id = fields.Char(
        string="Amazon Application ID",
        config_parameter="amazon_seller_connector.application_id",
        groups="base.group_system",
        help="The App ID of your SP-API application in Seller Central "
        "(Develop Apps), used in the consent link.",
    )
    amazon_lwa_client_id = fields.Char(
        string="LWA Client ID",
        config_parameter="amazon_seller_connector.lwa_client_id",
        groups="base.group_system",
    )
    amazon_lwa_client_secret = fields.Char(
        string="LWA Client Secret",
        config_parameter=SECRET_PARAM,
        groups="base.group_system",
    )
    amazon_app_is_draft = fields.Boolean(
        string="Application in Draft Status",
        config_parameter="amazon_seller_connector.app_is_draft",
        groups="base.group_system",
        help="As long as your SP-API application is not published, Amazon "
        "requires version=beta in the consent link.",
    )
    amazon_secrets_encrypted = fields.Boolean(
        string="Amazon Secrets Encrypted",
        compute="_compute_amazon_secrets_encrypted",
        groups="base.group_system",
        help="True when the server configuration file provides an encryption "
        "key: refresh tokens and the client secret are then stored encrypted.",
    )
    amazon_retention_days = fields.Integer(
        related="company_id.amazon_retention_days", readonly=False
    )

    amazon_use_job_queue = fields.Boolean(
        string="Amazon Work in the Job Queue",
        config_parameter=jobs.PARAM,
        groups="base.group_system",
        help="Import the order pages and send the transmissions as jobs of "
        "OCA's Job Queue (queue_job): they are spread over the workers of every "
        "Odoo server. Switch it on once the job runner runs (see the README).",
    )
    amazon_job_queue_installed = fields.Boolean(
        string="Job Queue Installed",
        compute="_compute_amazon_job_queue_installed",
    )
    amazon_secrets_locked = fields.Boolean(
        string="Amazon Secrets Unreadable",
        compute="_compute_amazon_secrets_encrypted",
        groups="base.group_system",
        help="Secrets are stored encrypted but the server has no key for them.",
    )

    def _compute_amazon_job_queue_installed(self):
        self.amazon_job_queue_installed = jobs.installed(self.env)

    @api.depends("company_id")
    def _compute_amazon_secrets_encrypted(self):
        configured = vault.is_configured()
        locked = False
        if not configured:
            secret = self.env["ir.config_parameter"].sudo().get_param(SECRET_PARAM)
            locked = bool(secret and secret.startswith(vault.PREFIX)) or bool(
                self.env["amazon.seller.account"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("refresh_token", "=like", vault.PREFIX + "%")], limit=1)
            )
        self.amazon_secrets_encrypted = configured
        self.amazon_secrets_locked = locked

    def set_values(self):
        super().set_values()
        if not self.env.user.has_group("base.group_system"):
            return
        if not vault.is_configured():
            return
        params = self.env["ir.config_parameter"].sudo()
        secret = params.get_param(SECRET_PARAM)
        if secret and not secret.startswith(vault.PREFIX):
            params.set_param(SECRET_PARAM, vault.encrypt(secret))
        # tokens stored before the key was configured are encrypted now
        accounts = (
            self.env["amazon.seller.account"].sudo().with_context(active_test=False)
        )
        for account in accounts.search([("refresh_token", "!=", False)]):
            if not account.refresh_token.startswith(vault.PREFIX):
                account.refresh_token = account.refresh_token
