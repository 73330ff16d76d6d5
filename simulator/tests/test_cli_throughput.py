"""Command line start-up and a throughput figure (printed, loosely asserted)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from simulator.testing import access_token
from simulator.timeutil import iso

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves_and_writes_catalogue(tmp_path):
    csv_path = tmp_path / "catalogue.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--write-catalogue",
            str(csv_path),
            "--no-serve",
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "sku,ean,asin,title,price,vat_rate,currency"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "--port",
            "0",
            "--generate",
            "20",
            "--refresh-token",
            "Atzr|cli",
            "--marketplaces",
            "DE,FR",
            "--rate-limits",
            "off",
            "--feed-seconds",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Amazon simulator listening on http://127.0.0.1:")
        base = line.split()[-1]
        config = requests.get(base + "/_sim/config", timeout=5).json()
        assert config["marketplaces"] == ["DE", "FR"]
        assert (
            len(requests.get(base + "/_sim/orders", timeout=5).json()["orders"]) == 20
        )
        r = requests.post(
            base + "/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": "Atzr|cli",
                "client_id": config["client_id"],
                "client_secret": "simulator-client-secret",
            },
            timeout=5,
        )
        assert r.status_code == 200
        config = requests.get(base + "/_sim/config", timeout=5).json()
        assert config["feed_processing_seconds"] == 0
        assert len(requests.get(base + "/_sim/listings", timeout=5).json()["listings"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_throughput(make_sim, clock):
    sim = make_sim(generate=2000, seed=9, marketplaces=("DE",), rate_limits="off")
    token = access_token(sim)
    session = requests.Session()
    params = {
        "createdAfter": iso(clock() - 90 * 86400),
        "marketplaceIds": "A1PA6795UKMFR9",
        "includedData": "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PROMOTION",
    }
    count, started = 0, time.perf_counter()
    while True:
        r = session.get(
            sim.base_url + "/orders/2026-01-01/orders",
            params=params,
            headers={"x-amz-access-token": token},
            timeout=10,
        )
        body = r.json()
        count += len(body["orders"])
        if "pagination" not in body:
            break
        params["paginationToken"] = body["pagination"]["nextToken"]
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    print(
        json.dumps(
            {
                "orders": count,
                "seconds": round(elapsed, 3),
                "orders_per_second": round(rate),
            }
        )
    )
    assert count == 2000
    assert rate > 300  # the target is >= 1000/s; keep slow CI machines green
