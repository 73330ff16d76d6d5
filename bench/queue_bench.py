"""Job-queue benchmark (issue "scale out on queue_job"), run by tools/bench.sh
(``make bench ARGS=jobs``) in plain Python: it drives Odoo processes as the
system tests do (tests_system/worker.py).

1. Throughput: BENCH_JOB_ORDERS (10,000) generated orders of two accounts
   (half each, Amazon's limits off) imported three times on fresh copies of
   one database: by the scheduled action alone (one process, the accounts
   in turn, called again while accounts remain), then as page jobs by one
   and by two job workers (processes doing what queue_job's runner and
   controller do). Orders lost and
   duplicated are counted per Amazon order.
2. Amazon's limits on (time scale BENCH_JOB_TIME_SCALE, 5): the deliveries
   of the first account validated in one batch (BENCH_JOB_SHIPMENTS limits
   them), their confirmations sent by two job workers sharing the account's
   buckets in the database: calls, 429s, sent twice, lost, and the achieved
   rate as a share of the allowed one; then the same workers' own pace with
   Amazon unlimited.

Prints one JSON line prefixed with BENCH_RESULT.
"""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests_system")]

from system import amazon_sale_orders, counts, finish, psql, start_worker  # noqa: E402

from const import status_action  # noqa: E402
from simulator import Simulator  # noqa: E402

SETUP = {
    name: os.environ[name] for name in ("ODOO_SRC", "PY", "CONF", "PGDIR", "PGPORT")
}
SETUP["PGBIN"] = os.environ["PGBIN"]
TEMPLATE = os.environ["BENCH_TEMPLATE"]
ORDERS = int(os.environ.get("BENCH_JOB_ORDERS", 10000))
#: deliveries of the first account validated (0: all of them)
SHIPMENTS = int(os.environ.get("BENCH_JOB_SHIPMENTS", 0))
#: Amazon's limits this many times faster: confirmShipment 2/s becomes 10/s,
#: below what two job workers could send, so that Amazon's rate sets the pace
SCALE = float(os.environ.get("BENCH_JOB_TIME_SCALE", 5))
TOKEN = "Atzr|system-tests"
CONFIRM_RATE, CONFIRM_BURST = 2.0, 10


def fresh(name):
    psql(SETUP, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(SETUP, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return name


def worker(db, **variables):
    return start_worker(SETUP, db, **variables)


def done(process, timeout=7200):
    code, result, err = finish(process, timeout)
    if code != 0:
        raise SystemExit(f"worker failed ({code}): {err[-3000:]}")
    return result


def importable(order):
    fulfillment = order.get("fulfillment") or {}
    return (
        status_action(
            fulfillment.get("fulfilledBy"), fulfillment.get("fulfillmentStatus")
        )
        == "import"
    )


def check(db, sims):
    """Orders without record or importable without sale order (lost), and
    Amazon orders with more than one record or sale order (duplicated)."""
    found = counts(SETUP, db)
    lost = duplicated = wanted = 0
    for sim in sims:
        for order in sim.orders():
            entry = found.get(order["orderId"])
            if entry is None:
                lost += 1
                continue
            if importable(order):
                wanted += 1
                lost += entry[1] == 0
            duplicated += entry[1] > 1 or entry[2] > 1
    sale_orders = amazon_sale_orders(SETUP, db)
    duplicated += sum(1 for n in sale_orders.values() if n > 1)
    return {
        "importable": wanted,
        "sale_orders": sum(sale_orders.values()),
        "lost": lost,
        "duplicated": duplicated,
    }


def import_run(label, sims, job_workers):
    db = fresh(f"amazon_bench_jobs_{label}")
    urls = ",".join(sim.base_url for sim in sims)
    setup = {"USE_JOBS": 1} if job_workers else {}
    done(worker(db, WORKER_ACTION="setup", SIM_URL=urls, **setup))
    started = time.perf_counter()
    # the scheduled action until every window is imported, or once: it
    # queues the first pages
    done(worker(db, WORKER_ACTION="cron" if job_workers else "cronloop"))
    processes = [
        worker(db, WORKER_ACTION="jobs", JOBS_SECONDS=7200) for _ in range(job_workers)
    ]
    ran = sum(done(process)["ran"] for process in processes)
    seconds = time.perf_counter() - started
    result = check(db, sims)
    jobs = psql(SETUP, "SELECT state, count(*) FROM queue_job GROUP BY 1", db)
    result.update(
        {
            "seconds": round(seconds, 1),
            "orders_per_second": round(sum(len(s.orders()) for s in sims) / seconds, 2),
            "jobs_run": ran,
            "job_states": dict(line.split("|") for line in jobs.splitlines()),
        }
    )
    print(f"==> {label}: {json.dumps(result)}", flush=True)
    return db, result


def run_jobs(db, count, **variables):
    """``count`` job workers until no job is left; their wall time."""
    started = time.perf_counter()
    processes = [
        worker(db, WORKER_ACTION="jobs", JOBS_SECONDS=3600, **variables)
        for _ in range(count)
    ]
    for process in processes:
        done(process)
    return time.perf_counter() - started


def confirm_calls(log, seconds):
    """confirmShipment calls in a simulator's log, and the seconds from the
    first to the last (the workers' start-up is not Amazon's)."""
    times = [c["time"] for c in log["calls"] if c["operation"] == "confirmShipment"]
    return len(times), (max(times) - min(times) if times else seconds)


def shipments_run(db, first):
    """Confirmations of one account by two job workers, Amazon's limits on."""
    limited = Simulator(
        refresh_tokens=(TOKEN,),
        orders=first.orders(),
        rate_limits="amazon",
        time_scale=SCALE,
    )
    limited.start()
    account = psql(SETUP, "SELECT min(id) FROM amazon_seller_account", db)
    psql(
        SETUP,
        f"UPDATE amazon_seller_account SET api_base_url = '{limited.base_url}' "
        f"WHERE id = {account}",
        db,
    )
    psql(SETUP, "DELETE FROM queue_job", db)
    shipped = done(
        worker(db, WORKER_ACTION="ship", ACCOUNT_ID=account, SHIP_LIMIT=SHIPMENTS)
    )
    seconds = run_jobs(db, 2, TIME_SCALE=SCALE)
    log = limited.call_log()
    calls, window = confirm_calls(log, seconds)
    accepted = Counter(
        (entry["orderId"], entry["request"]["packageDetail"]["packageReferenceId"])
        for entry in limited.confirmations()
        if entry["accepted"]
    )
    states = psql(
        SETUP,
        "SELECT state, count(*) FROM amazon_seller_operation GROUP BY 1",
        db,
    )
    allowed = CONFIRM_BURST + CONFIRM_RATE * SCALE * window
    limited.stop()
    # the workers' own pace: the same transmissions again, Amazon unlimited
    fast = Simulator(refresh_tokens=(TOKEN,), orders=first.orders(), rate_limits="off")
    fast.start()
    psql(
        SETUP,
        f"UPDATE amazon_seller_account SET api_base_url = '{fast.base_url}' "
        f"WHERE id = {account}; DELETE FROM queue_job; "
        "UPDATE amazon_seller_operation SET state = 'to_send', attempt_count = 0, "
        "next_attempt_at = now() AT TIME ZONE 'utc' - interval '1 second'",
        db,
    )
    done(worker(db, WORKER_ACTION="enqueue", START_AT=time.time()))
    fast_seconds = run_jobs(db, 2, TIME_SCALE=1e6)
    fast_calls, fast_window = confirm_calls(fast.call_log(), fast_seconds)
    fast.stop()
    return {
        "deliveries": shipped["pickings"],
        "validation_seconds": shipped["seconds"],
        "operations": shipped["operations"],
        "seconds": round(seconds, 1),
        "calls_window_seconds": round(window, 1),
        "confirm_calls": calls,
        "status": log["by_status"],
        "accepted_packages": len(accepted),
        "sent_twice": sum(1 for n in accepted.values() if n > 1),
        "lost": shipped["operations"] - len(accepted),
        "operation_states": dict(line.split("|") for line in states.splitlines()),
        "time_scale": SCALE,
        "allowed_calls": round(allowed, 1),
        "share_of_allowed_rate": round(min(calls, allowed) / allowed, 3),
        "unlimited_calls": fast_calls,
        "unlimited_seconds": round(fast_seconds, 1),
        "unlimited_window_seconds": round(fast_window, 1),
        "unlimited_jobs_per_second": round(fast_calls / max(fast_window, 0.1), 1),
    }


def main():
    sims = [
        Simulator(refresh_tokens=(TOKEN,), generate=ORDERS // 2, seed=seed)
        for seed in (101, 102)
    ]
    for sim in sims:
        sim.start()
    results = {"orders": sum(len(s.orders()) for s in sims), "accounts": len(sims)}
    db = None
    runs = os.environ.get("BENCH_JOB_RUNS", "cron,jobs1,jobs2").split(",")
    for label, job_workers in (("cron", 0), ("jobs1", 1), ("jobs2", 2)):
        if label in runs:
            db, results[label] = import_run(label, sims, job_workers)
    if "jobs2" in runs:
        if "cron" in runs:
            results["speedup_two_workers"] = round(
                results["cron"]["seconds"] / results["jobs2"]["seconds"], 2
            )
        results["shipments"] = shipments_run(db, sims[0])
    for sim in sims:
        sim.stop()
    print("BENCH_RESULT " + json.dumps(results), flush=True)


main()
