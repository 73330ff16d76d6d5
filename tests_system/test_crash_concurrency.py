"""No order is ever lost or duplicated: the import in real Odoo processes,
killed with SIGKILL at many points, run side by side, cut off from its
database (issue "one owner per step", items 14, 15 and 17)."""

import pytest
from system import amazon_sale_orders, counts, finish, psql, run_worker, start_worker

from const import status_action
from simulator import Simulator

TOKEN = "Atzr|system-tests"
PAGE = 20
# (hook, n): spread over pages (before/after a commit) and inside orders
KILL_POINTS = [
    ("commit", 1),
    ("aftercommit", 1),
    ("apply", 7),
    ("so", 3),
    ("confirm", 5),
    ("payload", 11),
    ("commit", 2),
    ("apply", 29),
    ("so", 17),
    ("aftercommit", 3),
    ("confirm", 23),
    ("apply", 44),
    ("payload", 38),
    ("so", 31),
    ("commit", 3),
    ("apply", 3),
    ("confirm", 13),
    ("so", 9),
    ("aftercommit", 2),
    ("payload", 4),
    ("apply", 18),
    ("commit", 1),
    ("so", 2),
    ("apply", 9),
    ("confirm", 3),
]


def importable(order):
    fulfillment = order.get("fulfillment") or {}
    action = status_action(
        fulfillment.get("fulfilledBy"), fulfillment.get("fulfillmentStatus")
    )
    return action == "import"


@pytest.fixture
def simulators():
    started = []

    def make(count, seed):
        sim = Simulator(refresh_tokens=(TOKEN,), generate=count, seed=seed)
        sim.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


def setup_accounts(odoo_setup, db, *sims):
    code, result, err = run_worker(
        odoo_setup,
        db,
        WORKER_ACTION="setup",
        SIM_URL=",".join(sim.base_url for sim in sims),
    )
    assert code == 0 and result, err[-2000:]
    return result["accounts"]


def assert_each_once(odoo_setup, db, sim, label):
    """Every order of ``sim`` has one record; every importable order has
    exactly one sale order; none is missing."""
    found = counts(odoo_setup, db)
    orders = {order["orderId"]: order for order in sim.orders()}
    missing = sorted(set(orders) - set(found))
    assert not missing, f"{label}: orders without record: {missing[:5]}"
    duplicated = {oid: c for oid, c in found.items() if c[1] > 1 or c[2] > 1}
    assert not duplicated, f"{label}: duplicated: {duplicated}"
    without = [
        oid for oid, order in orders.items() if importable(order) and not found[oid][1]
    ]
    if without:
        reasons = psql(
            odoo_setup,
            "SELECT state, reason FROM amazon_seller_order WHERE amazon_order_id = "
            f"'{without[0]}'",
            db,
        )
        pytest.fail(
            f"{label}: importable orders without sale order: {without[:5]} "
            f"({len(without)}; first: {reasons})"
        )
    assert max(amazon_sale_orders(odoo_setup, db).values()) == 1
    return sum(1 for order in orders.values() if importable(order))


def test_killed_at_25_points_nothing_lost_or_twice(odoo_setup, system_db, simulators):
    sim = simulators(300, 21)
    (account,) = setup_accounts(odoo_setup, system_db, sim)
    killed = 0
    for hook, number in KILL_POINTS:
        code, result, err = run_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="import",
            ACCOUNT_ID=account,
            PAGE_SIZE=PAGE,
            KILL_AT=f"{hook}:{number}",
        )
        if code == -9:
            killed += 1
        else:  # the point was not reached in this run (the backlog shrinks)
            assert code == 0, err[-2000:]
    code, result, err = run_worker(
        odoo_setup,
        system_db,
        WORKER_ACTION="import",
        ACCOUNT_ID=account,
        PAGE_SIZE=PAGE,
    )
    assert code == 0 and result["result"] == "done", err[-2000:]
    assert killed >= 20, f"only {killed} runs were killed"
    importable_count = assert_each_once(odoo_setup, system_db, sim, "after kills")
    assert importable_count > 200
    print(
        f"SYSTEM_RESULT kills={killed} orders={len(sim.orders())} "
        f"importable={importable_count} lost=0 duplicated=0"
    )


def test_concurrent_runs_import_each_order_once(odoo_setup, system_db, simulators):
    """The scheduled action, "Import now" and a second worker on the same
    account at the same moment, while a second account imports in parallel:
    no deadlock, every order once."""
    first, second = simulators(150, 31), simulators(120, 32)
    account_one, account_two = setup_accounts(odoo_setup, system_db, first, second)
    workers = [
        start_worker(odoo_setup, system_db, WORKER_ACTION="cron", PAGE_SIZE=PAGE),
        start_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="now",
            ACCOUNT_ID=account_one,
            PAGE_SIZE=PAGE,
        ),
        start_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="import",
            ACCOUNT_ID=account_one,
            PAGE_SIZE=PAGE,
        ),
        start_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="import",
            ACCOUNT_ID=account_two,
            PAGE_SIZE=PAGE,
        ),
    ]
    results = [finish(worker, timeout=600) for worker in workers]
    for code, _result, err in results:
        assert code == 0, err[-2000:]
        assert "deadlock detected" not in err
    for account in (account_one, account_two):  # whatever a busy run left
        code, result, err = run_worker(
            odoo_setup, system_db, WORKER_ACTION="import", ACCOUNT_ID=account
        )
        assert code == 0, err[-2000:]
    assert_each_once(odoo_setup, system_db, first, "first account")
    assert_each_once(odoo_setup, system_db, second, "second account")
    print("SYSTEM_RESULT concurrent=" + ",".join(str(r[1]) for r in results))


def test_database_connection_lost_mid_page(odoo_setup, system_db, simulators):
    sim = simulators(120, 41)
    (account,) = setup_accounts(odoo_setup, system_db, sim)
    for number in (5, 12, 3):
        run_worker(
            odoo_setup,
            system_db,
            WORKER_ACTION="import",
            ACCOUNT_ID=account,
            PAGE_SIZE=PAGE,
            DB_KILL_AT=number,
        )
    code, result, err = run_worker(
        odoo_setup, system_db, WORKER_ACTION="import", ACCOUNT_ID=account
    )
    assert code == 0 and result["result"] == "done", err[-2000:]
    assert_each_once(odoo_setup, system_db, sim, "after lost connections")
