import logging
from datetime import datetime, timezone

import pytest
from sp_api.auth import access_token_client

from spapi.errors import (
    AuthError,
    InvalidClient,
    InvalidGrant,
    ThrottledError,
    TransientError,
)
from spapi.tests.stub import SEARCH, SELLERS, TOKEN, Reply, page, sample, search

SECRET = "client-secret-XYZ"
DE = "A1PA6795UKMFR9"


def test_exchange_authorization_code(stub, make_client):
    result = make_client(refresh_token=None).exchange_authorization_code("ANcode")
    assert result == {
        "refresh_token": "Atzr|new-from-code",
        "access_token": "Atza|for-ANcode",
        "expires_in": 3600,
    }
    form = stub.calls(TOKEN)[0]["form"]
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == "ANcode" and form["client_secret"] == SECRET


@pytest.mark.parametrize(
    "name, status, error",
    [
        ("lwa_token_invalid_grant_400.json", 400, InvalidGrant),
        ("lwa_token_invalid_client_401.json", 401, InvalidClient),
    ],
)
def test_lwa_errors(stub, make_client, name, status, error):
    body = sample(name)
    stub.on(TOKEN, Reply(status, body))
    with pytest.raises(error) as info:
        make_client().exchange_authorization_code("ANexpired")
    assert info.value.status == status and SECRET not in str(info.value)
    with pytest.raises(error):
        search(make_client())
    assert stub.calls(SEARCH) == []


def test_lwa_html_outage_is_transient(stub, make_client, sleeps):
    stub.on(TOKEN, Reply(503, raw=b"<html>down</html>"))
    with pytest.raises(TransientError):
        make_client().exchange_authorization_code("ANcode")
    assert len(stub.calls(TOKEN)) == 4 and len(sleeps) == 3


def test_refresh_token_grant_and_cached_token(stub, make_client):
    stub.on(SEARCH, page())
    client = make_client()
    search(client)
    search(client)
    tokens = stub.calls(TOKEN)
    assert len(tokens) == 1
    assert tokens[0]["form"]["grant_type"] == "refresh_token"
    assert tokens[0]["form"]["refresh_token"] == "Atzr|one"
    used = {r["headers"]["x-amz-access-token"] for r in stub.calls(SEARCH)}
    assert used == {"Atza|for-Atzr|one"}
    assert stub.calls(SEARCH)[0]["headers"]["host"] == stub.url[7:]
    assert len(access_token_client.cache) == 0  # library global cache unused


def test_two_accounts_never_share_tokens(stub, make_client):
    stub.on(SEARCH, page())
    search(make_client("Atzr|one"))
    search(make_client("Atzr|two"))
    used = [r["headers"]["x-amz-access-token"] for r in stub.calls(SEARCH)]
    assert used == ["Atza|for-Atzr|one", "Atza|for-Atzr|two"]
    assert len(stub.calls(TOKEN)) == 2


def test_403_drops_token_and_retries_once(stub, make_client):
    denied = Reply(403, sample("errors_403_token_expired.json"))
    stub.on(SEARCH, denied, page())
    assert search(make_client())[0].orders == []
    assert len(stub.calls(TOKEN)) == 2
    stub.on(SEARCH, denied)
    with pytest.raises(AuthError) as info:
        search(make_client("Atzr|other"))
    assert info.value.status == 403 and info.value.operation == "searchOrders"


def test_401_then_success(stub, make_client):
    stub.on(SEARCH, Reply(401, {"errors": [{"code": "Unauthorized"}]}), page())
    assert len(search(make_client())) == 1


def test_429_then_success_backs_off(stub, make_client, sleeps):
    stub.on(SEARCH, Reply(429, sample("errors_429_QuotaExceeded.json")))
    stub.routes[SEARCH].append(page())
    assert len(search(make_client(backoff_base=2.0))) == 1
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 2.0


def test_429_storm_raises_throttled(stub, make_client, sleeps):
    stub.on(SEARCH, Reply(429, {"errors": [{"code": "QuotaExceeded"}]}))
    with pytest.raises(ThrottledError) as info:
        search(make_client(max_retries=4, backoff_cap=3))
    assert len(stub.calls(SEARCH)) == 5
    assert len(sleeps) == 4 and max(sleeps) <= 3
    assert info.value.amazon_code == "QuotaExceeded"


def test_pagination_repeats_filters(stub, make_client):
    stub.on(SEARCH, page([{"orderId": "1"}], "t1"), page([{"orderId": "2"}], "t2"))
    stub.routes[SEARCH].append(page([{"orderId": "3"}]))
    since = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)
    pages = search(
        make_client(),
        last_updated_after=since,
        before=datetime(2026, 1, 2),
        fulfillment_statuses=["UNSHIPPED", "SHIPPED"],
        fulfilled_by="MERCHANT",
        max_results=50,
    )
    assert [p.orders[0]["orderId"] for p in pages] == ["1", "2", "3"]
    assert pages[0].next_token == "t1" and pages[-1].next_token is None
    assert pages[0].last_updated_before == "2026-01-02T00:00:00Z"
    queries = [r["query"] for r in stub.calls(SEARCH)]
    assert [q.pop("paginationToken", None) for q in queries] == [None, "t1", "t2"]
    assert queries[0] == queries[1] == queries[2]
    assert queries[0]["lastUpdatedAfter"] == "2026-01-01T08:00:00Z"
    assert queries[0]["lastUpdatedBefore"] == "2026-01-02T00:00:00Z"
    assert queries[0]["fulfillmentStatuses"] == "UNSHIPPED,SHIPPED"
    assert queries[0]["marketplaceIds"] == DE
    assert queries[0]["maxResultsPerPage"] == "50"
    assert "BUYER" in queries[0]["includedData"]


def test_search_requires_exactly_one_after(make_client):
    with pytest.raises(ValueError):
        make_client().search_orders([DE])


def test_rate_limit_header_adjusts_bucket(stub, make_client):
    stub.on(SEARCH, Reply(body={"orders": []}, headers={"x-amzn-RateLimit-Limit": "2"}))
    client = make_client()
    search(client)
    assert client.rate_limiter.bucket(client.account_key, "searchOrders").rate == 2.0


def test_get_order_and_participations(stub, make_client):
    raw = sample("v2026_getOrder_200_sandbox1.json")
    stub.on("/orders/2026-01-01/orders/", Reply(body=raw))
    stub.on(SELLERS, Reply(body={"payload": [_participation()]}))
    client = make_client()
    assert client.get_order("171-9876543-2109876")["orderId"] == "171-9876543-2109876"
    assert client.get_marketplace_participations()[0] == {
        "marketplace_id": DE,
        "country_code": "DE",
        "name": "Amazon.de",
        "currency": "EUR",
        "language": "de_DE",
        "domain": "www.amazon.de",
        "participating": True,
        "has_suspended_listings": False,
        "store_name": "Shop",
    }
    get = stub.calls("/orders/2026-01-01/orders/171-9876543-2109876")[0]
    assert "BUYER" in get["query"]["includedData"]


def test_no_secrets_in_logs(stub, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    stub.on(SEARCH, Reply(429, {"errors": [{"code": "QuotaExceeded"}]}), page())
    search(make_client("Atzr|very-secret-refresh"))
    for secret in (SECRET, "very-secret-refresh", "Atza|"):
        assert secret not in caplog.text


def _participation():
    return {
        "marketplace": {
            "id": DE,
            "name": "Amazon.de",
            "countryCode": "DE",
            "defaultCurrencyCode": "EUR",
            "defaultLanguageCode": "de_DE",
            "domainName": "www.amazon.de",
        },
        "storeName": "Shop",
        "participation": {"isParticipating": True, "hasSuspendedListings": False},
    }
