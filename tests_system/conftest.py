"""System tests: the import in separate Odoo processes, killed, run side by
side, cut off from its database. They need the project's set-up (make test
exports ODOO_SRC, PY, CONF, PGDIR, PGPORT, PGBIN and SYS_TEMPLATE, a database
with the addon installed)."""

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from system import psql  # noqa: E402

REQUIRED = ("ODOO_SRC", "PY", "CONF", "PGDIR", "PGPORT", "PGBIN", "SYS_TEMPLATE")


@pytest.fixture(scope="session")
def odoo_setup():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"run the system tests through make test (missing {missing})")
    return {name: os.environ[name] for name in REQUIRED}


@pytest.fixture
def system_db(odoo_setup, request):
    """A database of its own (a copy of SYS_TEMPLATE), dropped afterwards."""
    name = f"amazon_sys_{request.node.name[:40]}".lower()
    psql(odoo_setup, f'DROP DATABASE IF EXISTS "{name}"')
    psql(
        odoo_setup, f'CREATE DATABASE "{name}" TEMPLATE "{odoo_setup["SYS_TEMPLATE"]}"'
    )
    yield name
    psql(odoo_setup, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
