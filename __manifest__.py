# Copyright 2026 Amazon Seller Connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Amazon Seller Connector",
    "summary": "Link Amazon Seller Central accounts and import Amazon orders "
    "as sale orders (SP-API Orders v2026-01-01)",
    "version": "19.0.1.2.0",
    "category": "Sales/Sales",
    "website": "https://github.com/amazon-seller-connector/amazon_seller_connector",
    "author": "Amazon Seller Connector contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": [
        "sale_management",
        "sale_stock",
        "delivery",
        "stock_delivery",
        "stock_sms",
        "utm",
    ],
    "external_dependencies": {
        "python": ["python-amazon-sp-api", "rapidfuzz", "phonenumbers"],
    },
    "data": [
        "security/amazon_security.xml",
        "security/ir.model.access.csv",
        "data/amazon_seller_marketplace_data.xml",
        "data/amazon_defaults_data.xml",
        "data/amazon_carrier_data.xml",
        "data/ir_cron.xml",
        "views/amazon_seller_marketplace_views.xml",
        "views/amazon_seller_order_views.xml",
        "views/amazon_seller_operation_views.xml",
        "views/amazon_carrier_views.xml",
        "views/amazon_partner_review_views.xml",
        "views/amazon_seller_account_views.xml",
        "views/amazon_oauth_templates.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/stock_picking_views.xml",
        "report/report_deliveryslip.xml",
        "views/amazon_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "amazon_seller_connector/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "images": ["static/description/icon.png"],
}
