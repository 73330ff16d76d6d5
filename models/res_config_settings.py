# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
        config_parameter="amazon_seller_connector.lwa_client_secret",
        groups="base.group_system",
    )
    amazon_app_is_draft = fields.Boolean(
        string="Application in Draft Status",
        config_parameter="amazon_seller_connector.app_is_draft",
        groups="base.group_system",
        help="As long as your SP-API application is not published, Amazon "
        "requires version=beta in the consent link.",
    )
