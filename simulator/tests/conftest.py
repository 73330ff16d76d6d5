"""Shared fixtures: a simulator on 127.0.0.1 with an injectable clock."""

import os
import sys
import types
from pathlib import Path

import pytest

from simulator import Simulator
from simulator.testing import REFRESH, FakeClock

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ.pop("SP_API_DEFAULT_MARKETPLACE", None)


def _shield_addon_root():
    """The repository root is the Odoo addon (its ``__init__`` imports odoo);
    pytest would import it as the tests' parent package, so register a
    placeholder module under its name."""
    root = Path(__file__).resolve().parents[2]
    if (root / "__init__.py").exists() and root.name not in sys.modules:
        placeholder = types.ModuleType(root.name)
        placeholder.__file__ = str(root / "__init__.py")
        placeholder.__path__ = []
        sys.modules[root.name] = placeholder


_shield_addon_root()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_sim(clock):
    started = []

    def factory(**kwargs):
        kwargs.setdefault("refresh_tokens", (REFRESH,))
        kwargs.setdefault("clock", clock)
        sim = Simulator(**kwargs)
        sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        sim.stop()


@pytest.fixture
def sim(make_sim):
    return make_sim(generate=120, seed=7, marketplaces=("DE", "FR", "PL", "SE"))
