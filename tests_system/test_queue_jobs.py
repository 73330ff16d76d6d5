"""The job queue (OCA queue_job, issue "scale out"): order pages and
transmissions as jobs, run by real Odoo processes that work as queue_job's
runner and controller do (worker.py, action "jobs"), killed with SIGKILL
inside a page, side by side; identity keys queued by several processes at
the same moment."""

import time
from collections import Counter

from system import amazon_sale_orders, finish, psql, run_worker, start_worker
from test_crash_concurrency import (  # noqa: F401
    assert_each_once,
    setup_accounts,
    simulators,
)
from test_sender_crash_concurrency import (
    accepted_calls,
    assert_all_shipped_once,
    confirmed_orders,
    states,
)

PAGE = 20
# inside a page job: its page fetched, an order being processed, its sale
# order made, confirmed, its raw data stored, the next page queued (the page
# done, not yet committed)
KILL_POINTS = [
    "page:1",
    "apply:7",
    "so:3",
    "queued:1",
    "confirm:5",
    "payload:11",
    "page:2",
    "apply:29",
    "queued:2",
    "so:17",
    "confirm:13",
    "payload:4",
]


def jobs_setup(odoo_setup, db, *sims):
    code, result, err = run_worker(
        odoo_setup,
        db,
        WORKER_ACTION="setup",
        USE_JOBS=1,
        SIM_URL=",".join(sim.base_url for sim in sims),
    )
    assert code == 0 and result, err[-2000:]
    return result["accounts"]


def queue_import(odoo_setup, db):
    """The scheduled import, which hands the pages to the job queue."""
    code, _result, err = run_worker(odoo_setup, db, WORKER_ACTION="cron")
    assert code == 0, err[-2000:]


def job_states(odoo_setup, db):
    rows = psql(odoo_setup, "SELECT state, count(*) FROM queue_job GROUP BY 1", db)
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines()}


def duplicated_keys(odoo_setup, db):
    return psql(
        odoo_setup,
        "SELECT identity_key, count(*) FROM queue_job "
        "WHERE state IN ('pending', 'enqueued', 'wait_dependencies') "
        "GROUP BY 1 HAVING count(*) > 1",
        db,
    )


def test_identity_keys_hold_under_concurrent_enqueueing(
    odoo_setup,
    system_db,
    simulators,  # noqa: F811
):
    sims = [simulators(5, 60 + n) for n in range(4)]
    accounts = jobs_setup(odoo_setup, system_db, *sims)
    start_at = time.time() + 15  # every worker's Odoo is loaded by then
    workers = [
        start_worker(
            odoo_setup, system_db, WORKER_ACTION="enqueue", START_AT=f"{start_at}"
        )
        for _ in range(4)
    ]
    for worker in workers:
        code, result, err = finish(worker, timeout=300)
        assert code == 0 and result["result"] == "enqueued", err[-2000:]
        assert "deadlock detected" not in err
    assert time.time() > start_at
    assert not duplicated_keys(odoo_setup, system_db)
    keys = psql(
        odoo_setup,
        "SELECT count(DISTINCT identity_key), count(*) FROM queue_job",
        system_db,
    )
    assert keys == f"{len(accounts)}|{len(accounts)}", keys
    print(
        f"SYSTEM_RESULT concurrent enqueue workers=4 keys={len(accounts)} jobs={keys}"
    )


def test_page_jobs_killed_mid_page_each_order_once(
    odoo_setup,
    system_db,
    simulators,  # noqa: F811
):
    sim = simulators(200, 71)
    jobs_setup(odoo_setup, system_db, sim)
    queue_import(odoo_setup, system_db)
    killed = Counter()
    for spec in KILL_POINTS:
        code, _result, err = run_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="jobs",
            PAGE_SIZE=PAGE,
            KILL_AT=spec,
            REQUEUE_AFTER=0,  # the killed worker is gone: its job is dead
        )
        if code == -9:
            killed[spec.split(":")[0]] += 1
        else:  # the point was not reached in this run (the backlog shrinks)
            assert code == 0, err[-2000:]
        assert not duplicated_keys(odoo_setup, system_db)
    # a page killed more often than queue_job retries fails; the scheduled
    # action queues the page again, then the workers finish the window
    queue_import(odoo_setup, system_db)
    code, result, err = run_worker(
        odoo_setup, system_db, WORKER_ACTION="jobs", PAGE_SIZE=PAGE, REQUEUE_AFTER=0
    )
    assert code == 0 and result["ran"] >= 1, err[-2000:]
    assert sum(killed.values()) >= 8, killed
    importable = assert_each_once(odoo_setup, system_db, sim, "after killed jobs")
    assert importable > 120
    synced = psql(
        odoo_setup,
        "SELECT last_sync IS NOT NULL, import_next_token IS NULL "
        "FROM amazon_seller_account",
        system_db,
    )
    assert synced == "t|t", synced  # the window was finished
    states_now = job_states(odoo_setup, system_db)
    assert not set(states_now) - {"done", "failed"}, states_now
    print(
        f"SYSTEM_RESULT page jobs kills={dict(killed)} orders={len(sim.orders())} "
        f"importable={importable} jobs={states_now} lost=0 duplicated=0"
    )


def test_two_job_workers_import_and_send_each_once(
    odoo_setup,
    system_db,
    simulators,  # noqa: F811
):
    first, second = simulators(150, 81), simulators(120, 82)
    jobs_setup(odoo_setup, system_db, first, second)
    queue_import(odoo_setup, system_db)
    workers = [
        start_worker(odoo_setup, system_db, WORKER_ACTION="jobs", PAGE_SIZE=PAGE)
        for _ in range(2)
    ]
    for worker in workers:
        code, _result, err = finish(worker, timeout=600)
        assert code == 0, err[-2000:]
        assert "deadlock detected" not in err
    assert_each_once(odoo_setup, system_db, first, "first account")
    assert_each_once(odoo_setup, system_db, second, "second account")
    assert max(amazon_sale_orders(odoo_setup, system_db).values()) == 1
    # the deliveries validated: their confirmations become jobs at the commit;
    # Amazon throttles and fails some of them on the way
    code, shipped, err = run_worker(odoo_setup, system_db, WORKER_ACTION="ship")
    assert code == 0 and shipped["operations"] > 20, err[-2000:]
    queued = psql(
        odoo_setup,
        "SELECT count(*) FROM queue_job WHERE state = 'pending' "
        "AND channel LIKE 'root.amazon.shipments.%'",
        system_db,
    )
    assert int(queued) == shipped["operations"]
    for sim in (first, second):
        sim.inject_fault("confirmShipment", "status", count=4, status=429)
        sim.inject_fault("confirmShipment", "status", count=2, status=503)
    workers = [
        start_worker(odoo_setup, system_db, WORKER_ACTION="jobs", JOBS_SECONDS=240)
        for _ in range(2)
    ]
    for worker in workers:
        code, _result, err = finish(worker, timeout=600)
        assert code == 0, err[-2000:]
    # a 503 puts the operation a minute later: its next job waits for that
    assert states(odoo_setup, system_db) == {"done": shipped["operations"]}
    calls = accepted_calls(first) + accepted_calls(second)
    assert len(calls) == shipped["operations"]
    assert set(calls.values()) == {1}, "no package sent twice"
    confirmed = confirmed_orders(odoo_setup, system_db)
    for sim in (first, second):
        assert_all_shipped_once(sim, confirmed & {o["orderId"] for o in sim.orders()})
    assert not set(job_states(odoo_setup, system_db)) - {"done"}
    orders = len(first.orders()) + len(second.orders())
    print(
        f"SYSTEM_RESULT two job workers orders={orders} "
        f"operations={shipped['operations']} sent_twice=0 lost=0"
    )
