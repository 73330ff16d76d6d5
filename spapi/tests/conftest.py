"""Keep every test offline and independent of the host environment."""

import os
import sys
import types
from pathlib import Path

import pytest

from spapi.client import SpApiClient
from spapi.ratelimit import RateLimiter
from spapi.tests.stub import Stub

SECRET = "client-secret-XYZ"

for _name in ("SP_API_DEFAULT_MARKETPLACE", "AWS_ENV"):
    os.environ.pop(_name, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def _shield_addon_root():
    """Keep pytest from importing the Odoo addon's root ``__init__``.

    The repository root is the addon package (its ``__init__`` imports odoo).
    pytest >= 8 imports every enclosing package's ``__init__.py`` when it sets
    up the tests below it; in importlib mode it reuses ``sys.modules`` under
    the package's name, so a placeholder there keeps these plain-Python tests
    runnable without Odoo.
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "__init__.py").exists() and root.name not in sys.modules:
        placeholder = types.ModuleType(root.name)
        placeholder.__file__ = str(root / "__init__.py")
        placeholder.__path__ = []
        sys.modules[root.name] = placeholder


_shield_addon_root()


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch):
    monkeypatch.delenv("SP_API_DEFAULT_MARKETPLACE", raising=False)
    monkeypatch.delenv("AWS_ENV", raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def stub():
    server = Stub()
    yield server
    server.close()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(stub, sleeps):
    clients = []

    def make(refresh_token="Atzr|one", **kwargs):
        kwargs.setdefault("max_retries", 3)
        kwargs.setdefault("timeout", (2, 5))
        kwargs.setdefault("rate_limiter", RateLimiter(sleep=sleeps.append))
        client = SpApiClient(
            stub.url,
            lwa_client_id="amzn1.application-oa2-client.test",
            lwa_client_secret=SECRET,
            refresh_token=refresh_token,
            sleep=sleeps.append,
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
