import pytest

from spapi.client import SpApiClient
from spapi.errors import InvalidResponse, RequestError, TransientError
from spapi.tests.stub import SEARCH, Reply, page, sample, search


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_html_is_transient_never_empty(stub, make_client, status):
    stub.on(SEARCH, Reply(status, raw=b"<html><body>Bad Gateway</body></html>"))
    with pytest.raises(TransientError) as info:
        search(make_client())
    assert info.value.status == status and len(stub.calls(SEARCH)) == 4


def test_500_json_then_success(stub, make_client):
    body = sample("errors_500_InternalFailure.json")
    stub.on(SEARCH, Reply(500, body), page())
    assert len(search(make_client())) == 1


def test_timeout_is_transient(stub, make_client):
    stub.on(SEARCH, Reply(body={"orders": []}, delay=0.6))
    with pytest.raises(TransientError) as info:
        search(make_client(timeout=(0.3, 0.3), max_retries=1))
    assert "timeout" in str(info.value)


def test_connection_refused_is_transient(make_client):
    client = make_client(max_retries=1)
    client._transport._client.close()
    dead = SpApiClient(
        "http://127.0.0.1:9",
        lwa_client_id="x",
        lwa_client_secret="y",
        refresh_token="Atzr|dead",
        max_retries=1,
        sleep=lambda s: None,
    )
    with dead, pytest.raises(TransientError):
        search(dead)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, raw=b"<html>maintenance</html>"),
        Reply(200, raw=b'{"orders": [{"orderId": "1"', headers={}),
        Reply(200, raw=b""),
        Reply(200, {"unexpected": True}),
        Reply(200, {"orders": "nope"}),
        Reply(400, raw=b"<html>bad</html>"),
    ],
)
def test_malformed_bodies_raise_invalid_response(stub, make_client, reply):
    stub.on(SEARCH, reply)
    with pytest.raises(InvalidResponse) as info:
        search(make_client())
    assert info.value.operation == "searchOrders"


def test_400_invalid_input(stub, make_client):
    stub.on(SEARCH, Reply(400, sample("errors_400_InvalidInput.json")))
    with pytest.raises(RequestError) as info:
        search(make_client())
    assert info.value.amazon_code == "InvalidInput" and len(stub.calls(SEARCH)) == 1
