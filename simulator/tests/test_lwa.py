"""LWA token endpoint and access-token checks."""

import requests

from simulator import DEFAULTS
from simulator.testing import REFRESH, access_token, api_get, sample

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


def token_post(sim, **form):
    base = {
        "client_id": DEFAULTS["client_id"],
        "client_secret": DEFAULTS["client_secret"],
    }
    return requests.post(
        sim.base_url + "/auth/o2/token", data={**base, **form}, timeout=5
    )


def test_code_flow_single_use_and_expiry(make_sim, clock):
    sim = make_sim()
    code = sim.tokens.issue_code(sim.seller_id)
    r = token_post(sim, grant_type="authorization_code", code=code)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == set(sample("lwa_token_authorization_code_200.json")["body"])
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    again = token_post(sim, grant_type="authorization_code", code=code)
    assert again.status_code == 400
    assert again.json() == sample("lwa_token_invalid_grant_400.json")["body"]
    late = sim.tokens.issue_code(sim.seller_id)
    clock.advance(301)
    assert (
        token_post(sim, grant_type="authorization_code", code=late).status_code == 400
    )
    # the new refresh token works
    r = token_post(sim, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert r.status_code == 200 and r.json()["refresh_token"] == body["refresh_token"]


def test_lwa_errors(make_sim):
    sim = make_sim()
    r = token_post(
        sim, grant_type="refresh_token", refresh_token=REFRESH, client_secret="wrong"
    )
    assert r.status_code == 401
    assert r.json() == sample("lwa_token_invalid_client_401.json")["body"]
    r = token_post(sim, grant_type="password")
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
    r = token_post(sim, grant_type="refresh_token")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    r = token_post(sim, grant_type="refresh_token", refresh_token="Atzr|unknown")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    assert r.headers["Content-Type"].startswith("application/json")


def test_403_missing_expired_revoked(make_sim, clock):
    sim = make_sim(access_token_ttl=60)
    r = api_get(sim, PARTICIPATIONS)
    assert r.status_code == 403
    assert r.json() == sample("errors_403_missing_token.json")["body"]
    assert r.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert r.headers["x-amzn-RequestId"]
    token = access_token(sim)
    assert api_get(sim, PARTICIPATIONS, token).status_code == 200
    clock.advance(61)
    r = api_get(sim, PARTICIPATIONS, token)
    assert r.status_code == 403
    assert r.json() == sample("errors_403_token_expired.json")["body"]
    token = access_token(sim)
    assert sim.revoke_refresh_token(REFRESH)
    r = api_get(sim, PARTICIPATIONS, token)
    assert r.status_code == 403
    assert r.json() == sample("errors_403_token_revoked.json")["body"]
    assert api_get(sim, PARTICIPATIONS, "Atza|garbage").status_code == 403
    r = token_post(sim, grant_type="refresh_token", refresh_token=REFRESH)
    assert r.json()["error"] == "invalid_grant"


def test_expires_in_follows_ttl(make_sim):
    sim = make_sim(access_token_ttl=5)
    r = token_post(sim, grant_type="refresh_token", refresh_token=REFRESH)
    assert r.json()["expires_in"] == 5
