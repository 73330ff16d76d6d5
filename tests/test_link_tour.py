# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The seed's whole linking flow in a browser, against the simulator.

Odoo pages are walked by the tour ``amazon_seller_connector_link``. The
simulator's Seller Central pages carry no Odoo code (they stay Amazon-like),
so the tour runner cannot act there: the test gives the browser a small
script, injected through the DevTools protocol into every new document, that
acts only on the simulator's origin and plays the seller's part (sign-in,
verification code, marketplace, permissions), failing on any unexpected page.
Back on Odoo's success page, the tour resumes from its saved position.
"""

import json

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .test_oauth_controller import DEFAULTS, AmazonSimulatorCase

SELLER_SCRIPT = """
(() => {
    if (location.origin !== %(origin)s) { return; }
    const steps = ["signin", "mfa", "select", "consent"];
    const $ = (selector) => document.querySelector(selector);
    const fill = (selector, value) => { $(selector).value = value; };
    const act = {
        signin: () => {
            fill("#ap_email", %(email)s);
            fill("#ap_password", %(password)s);
            $("#signInSubmit").click();
        },
        mfa: () => {
            fill("#auth-mfa-otpcode", %(otp)s);
            $("#auth-signin-button").click();
        },
        select: () => {
            $("#marketplace-DE").click();
            $("#continue-button").click();
        },
        consent: () => {
            $("#consent-checkbox").click();
            $("#confirm-button").click();
        },
    };
    const found = {
        signin: () => $("#ap_email") && $("#ap_password") && $("#signInSubmit"),
        mfa: () => $("#auth-mfa-otpcode") && $("#auth-signin-button"),
        select: () => $("#marketplace-DE") && $("#continue-button"),
        consent: () => $("#consent-checkbox") && $("#confirm-button")
            && $("#decline-button"),
    };
    document.addEventListener("DOMContentLoaded", () => {
        const index = Number(sessionStorage.getItem("amazon_seller_step") || 0);
        const step = steps[index];
        const failed = $("#auth-error-message-box") || $("#error-code");
        if (!step || !found[step]() || failed) {
            console.error(`Amazon simulator: expected page ${step}, got `
                + `${location.pathname}: ${document.body.innerText.slice(0, 300)}`);
            return;
        }
        sessionStorage.setItem("amazon_seller_step", String(index + 1));
        console.log(`Amazon simulator: ${step} page`);
        act[step]();
    });
})();
"""


@tagged("post_install", "-at_install")
class TestLinkTour(AmazonSimulatorCase):
    def _inject_seller(self):
        source = SELLER_SCRIPT % {
            "origin": json.dumps(self.sim_url),
            "email": json.dumps(DEFAULTS["email"]),
            "password": json.dumps(DEFAULTS["password"]),
            "otp": json.dumps(DEFAULTS["otp"]),
        }
        navigate_to = ChromeBrowser.navigate_to

        def navigate_with_seller(browser, url, wait_stop=False):
            browser._websocket_request(
                "Page.addScriptToEvaluateOnNewDocument", params={"source": source}
            )
            return navigate_to(browser, url, wait_stop=wait_stop)

        self.patch(ChromeBrowser, "navigate_to", navigate_with_seller)

    def test_link_tour(self):
        # new accounts talk to the simulator instead of Amazon
        self.env["ir.default"].set(
            "amazon.seller.account", "api_base_url", self.sim_url
        )
        self._inject_seller()
        self.start_tour(
            "/odoo/amazon-accounts", "amazon_seller_connector_link", login="admin"
        )

        account = self.env["amazon.seller.account"].search(
            [("name", "=", "Mein Shop auf Amazon.de")]
        )
        self.assertEqual(len(account), 1)
        self.assertEqual(account.state, "linked")
        self.assertEqual(account.selling_partner_id, self.sim.seller_id)
        self.assertIn(account.sudo().refresh_token, self.sim.tokens.refresh)
        self.assertEqual(account.marketplace_ids.mapped("code"), ["DE", "FR"])
        consent_paths = [
            (call["method"], call["path"])
            for call in self.sim.call_log()["calls"]
            if call["operation"] == "consent"
        ]
        self.assertEqual(
            consent_paths,
            [
                ("GET", "/apps/authorize/consent"),
                ("POST", "/ap/signin"),
                ("POST", "/ap/mfa"),
                ("POST", "/apps/authorize/select"),
                ("POST", "/apps/authorize/confirm"),
            ],
        )
