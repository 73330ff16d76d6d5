"""Driving Odoo worker processes and checking the database afterwards."""

import json
import os
import subprocess
from pathlib import Path

WORKER = Path(__file__).resolve().parent / "worker.py"


def psql(setup, sql, db="postgres"):
    """Run ``sql`` on the project's PostgreSQL; the output, stripped."""
    return subprocess.run(
        [
            f"{setup['PGBIN']}/psql",
            "-h",
            f"{setup['PGDIR']}/sock",
            "-p",
            setup["PGPORT"],
            "-U",
            "odoo",
            "-d",
            db,
            "-tAq",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def start_worker(setup, db, timeout=300, **variables):
    """Start ``worker.py`` in an Odoo shell of its own; returns the Popen."""
    environment = dict(os.environ, **{k: str(v) for k, v in variables.items()})
    environment["PYTHONPATH"] = setup["ODOO_SRC"]
    return subprocess.Popen(
        [
            setup["PY"],
            f"{setup['ODOO_SRC']}/odoo-bin",
            "shell",
            "-c",
            setup["CONF"],
            "-d",
            db,
            "--no-http",
            "--log-level=warn",
        ],
        stdin=WORKER.open("rb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )


def finish(process, timeout=300):
    """``(returncode, result dict or None, stderr text)`` of a worker."""
    out, err = process.communicate(timeout=timeout)
    result = None
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("WORKER_RESULT "):
            result = json.loads(line[len("WORKER_RESULT ") :])
    return process.returncode, result, err.decode("utf-8", "replace")


def run_worker(setup, db, timeout=300, **variables):
    return finish(start_worker(setup, db, **variables), timeout)


def counts(setup, db):
    """Per Amazon order: bindings and sale orders in the database."""
    rows = psql(
        setup,
        """
        SELECT b.amazon_order_id, b.state,
               (SELECT count(*) FROM sale_order so
                 WHERE so.amazon_binding_id = b.id) AS sale_orders,
               (SELECT count(*) FROM amazon_seller_order b2
                 WHERE b2.account_id = b.account_id
                   AND b2.amazon_order_id = b.amazon_order_id) AS bindings
          FROM amazon_seller_order b
        """,
        db,
    )
    found = {}
    for line in rows.splitlines():
        order_id, state, sale_orders, bindings = line.split("|")
        found[order_id] = (state, int(sale_orders), int(bindings))
    return found


def amazon_sale_orders(setup, db):
    """Sale orders per Amazon order id (never more than one)."""
    rows = psql(
        setup,
        "SELECT amazon_order_id, count(*) FROM sale_order "
        "WHERE amazon_order_id IS NOT NULL GROUP BY amazon_order_id",
        db,
    )
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines()}
