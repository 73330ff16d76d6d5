"""Seller Central consent pages, driven like a browser with ``requests``."""

import re
from urllib.parse import parse_qs, urlsplit

import requests

from simulator import DEFAULTS

REDIRECT = "http://127.0.0.1:8069/amazon/oauth/callback"
APP = DEFAULTS["application_id"]


def hidden(html, name="sid"):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def start(sim, **params):
    params = {
        "application_id": APP,
        "state": "st4te",
        "version": "beta",
        "redirect_uri": REDIRECT,
        **params,
    }
    return requests.get(
        sim.base_url + "/apps/authorize/consent", params=params, timeout=5
    )


def post(sim, path, **form):
    return requests.post(
        sim.base_url + path, data=form, allow_redirects=False, timeout=5
    )


def walk_to_consent(sim, lang="en"):
    page = start(sim, lang=lang)
    assert page.status_code == 200 and 'id="ap_email"' in page.text
    sid = hidden(page.text)
    bad = post(sim, "/ap/signin", sid=sid, email=DEFAULTS["email"], password="nope")
    assert 'id="auth-error-message-box"' in bad.text and 'id="ap_password"' in bad.text
    mfa = post(
        sim,
        "/ap/signin",
        sid=sid,
        email=DEFAULTS["email"],
        password=DEFAULTS["password"],
    )
    assert 'id="auth-mfa-otpcode"' in mfa.text and 'id="auth-signin-button"' in mfa.text
    bad = post(sim, "/ap/mfa", sid=sid, otpCode="000000")
    assert 'id="auth-error-message-box"' in bad.text
    choose = post(sim, "/ap/mfa", sid=sid, otpCode=DEFAULTS["otp"])
    assert 'id="marketplace-DE"' in choose.text and 'id="marketplace-FR"' in choose.text
    assert 'id="continue-button"' in choose.text
    consent = post(sim, "/apps/authorize/select", sid=sid, marketplace="A13V1IB3VIYZZH")
    for needle in (
        'id="consent-checkbox"',
        'id="confirm-button"',
        'id="decline-button"',
    ):
        assert needle in consent.text
    return sid


def test_full_flow_issues_code(make_sim):
    sim = make_sim(marketplaces=("DE", "FR"))
    sid = walk_to_consent(sim)
    unchecked = post(sim, "/apps/authorize/confirm", sid=sid, action="confirm")
    assert unchecked.status_code == 200 and "auth-error-message-box" in unchecked.text
    done = post(sim, "/apps/authorize/confirm", sid=sid, action="confirm", consent="1")
    assert done.status_code == 302
    url = urlsplit(done.headers["Location"])
    assert url.geturl().startswith(REDIRECT + "?")
    q = parse_qs(url.query)
    assert q["state"] == ["st4te"] and q["selling_partner_id"] == [sim.seller_id]
    r = requests.post(
        sim.base_url + "/auth/o2/token",
        data={
            "grant_type": "authorization_code",
            "code": q["spapi_oauth_code"][0],
            "client_id": DEFAULTS["client_id"],
            "client_secret": DEFAULTS["client_secret"],
        },
        timeout=5,
    )
    assert r.status_code == 200 and r.json()["refresh_token"].startswith("Atzr|")
    # the finished session cannot be replayed
    again = post(sim, "/apps/authorize/confirm", sid=sid, action="confirm", consent="1")
    assert again.status_code == 400


def test_decline_and_german(make_sim):
    sim = make_sim()
    page = start(sim, lang="de")
    assert "Anmelden" in page.text and 'lang="de"' in page.text
    sid = hidden(page.text)
    post(
        sim,
        "/ap/signin",
        sid=sid,
        email=DEFAULTS["email"],
        password=DEFAULTS["password"],
    )
    post(sim, "/ap/mfa", sid=sid, otpCode=DEFAULTS["otp"])
    post(sim, "/apps/authorize/select", sid=sid, marketplace="A1PA6795UKMFR9")
    r = post(sim, "/apps/authorize/confirm", sid=sid, action="decline")
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["Location"]).query)
    assert q["error"] == ["access_denied"] and q["state"] == ["st4te"]
    assert "error_description" in q and "spapi_oauth_code" not in q


def test_error_pages(make_sim):
    sim = make_sim(redirect_uris=(REDIRECT,))
    r = start(sim, version="")
    assert "MD1000" in r.text and 'id="error-code"' in r.text
    assert "MD5101" in start(sim, redirect_uri="https://evil.example/cb").text
    assert (
        "UNKNOWN_APPLICATION" in start(sim, application_id="amzn1.sp.solution.x").text
    )
    assert start(sim, redirect_uri="").status_code == 200  # first registered URI
    published = make_sim(app_is_draft=False)
    assert 'id="ap_email"' in start(published, version="").text
    assert "MD5101" in start(published, redirect_uri="http://10.0.0.1/cb").text
