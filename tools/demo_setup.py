# Run by `make demo` inside `odoo shell`: a German company with one Amazon account.
# Idempotent: it can run on every start.
import os

env = env  # noqa: F821 (provided by odoo shell)
company = env.ref("base.main_company")
if company.country_id.code != "DE":
    company.write(
        {
            "name": "Muster Handel GmbH",
            "street": "Hauptstraße 1",
            "zip": "10115",
            "city": "Berlin",
            "country_id": env.ref("base.de").id,
            "vat": "DE123456788",
            "currency_id": env.ref("base.EUR").id,
            "email": "info@muster-handel.example",
        }
    )
if not company.chart_template:
    env["account.chart.template"].try_loading("de_skr03", company, install_demo=False)
admin = env.ref("base.user_admin")
admin.write({"lang": "de_DE", "tz": "Europe/Berlin", "password": "admin"})
env["ir.config_parameter"].set_param(
    "amazon_seller_connector.application_id", "amzn1.sp.solution.simulator"
)
env["ir.config_parameter"].set_param(
    "amazon_seller_connector.lwa_client_id", "amzn1.application-oa2-client.simulator"
)
env["ir.config_parameter"].set_param(
    "amazon_seller_connector.lwa_client_secret", "simulator-client-secret"
)
env["ir.config_parameter"].set_param("amazon_seller_connector.app_is_draft", "True")

Account = env["amazon.seller.account"]
account = Account.search([("name", "=", "Muster Handel auf Amazon.de")], limit=1)
if not account:
    account = Account.create(
        {"name": "Muster Handel auf Amazon.de", "responsible_id": admin.id}
    )
simulator = os.environ.get("AMAZON_DEMO_SIMULATOR")
if simulator:
    account.api_base_url = simulator
env.cr.commit()
print("demo ready:", account.name)
