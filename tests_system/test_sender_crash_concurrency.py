"""Every shipment confirmation reaches Amazon, none twice: the outbound
sender in real Odoo processes, killed with SIGKILL around Amazon's answer,
and run side by side (issue "Tell Amazon what shipped")."""

from collections import Counter

from system import finish, psql, run_worker, start_worker
from test_crash_concurrency import setup_accounts, simulators  # noqa: F401

# SIGKILL points: an operation just locked (nothing sent), Amazon's answer in
# hand but not recorded, and just before the commit of that record (the two
# cases where Amazon hears the same package twice)
KILL_POINTS = [
    "lock:3",
    "accepted:2",
    "sent:4",
    "accepted:6",
    "lock:9",
    "sent:1",
    "accepted:11",
    "lock:1",
]


def prepared(odoo_setup, db, sim):
    """Orders imported, every open delivery validated in one batch."""
    (account,) = setup_accounts(odoo_setup, db, sim)
    code, result, err = run_worker(
        odoo_setup, db, WORKER_ACTION="import", ACCOUNT_ID=account, PAGE_SIZE=50
    )
    assert code == 0 and result["result"] == "done", err[-2000:]
    code, result, err = run_worker(odoo_setup, db, WORKER_ACTION="ship")
    assert code == 0 and result["pickings"] > 20, err[-2000:]
    # orders Amazon already holds shipped (shipped before Odoo) confirm nothing
    assert result["operations"] >= 12, (result, err[-3000:])
    return result


def states(odoo_setup, db):
    errors = psql(
        odoo_setup,
        "SELECT b.amazon_order_id || ': ' || o.answer FROM amazon_seller_operation o "
        "JOIN amazon_seller_order b ON b.id = o.binding_id WHERE o.state = 'error'",
        db,
    )
    assert not errors, errors
    rows = psql(
        odoo_setup,
        "SELECT state, count(*) FROM amazon_seller_operation GROUP BY state",
        db,
    )
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines()}


def confirmed_orders(odoo_setup, db):
    rows = psql(
        odoo_setup,
        "SELECT DISTINCT b.amazon_order_id FROM amazon_seller_operation o "
        "JOIN amazon_seller_order b ON b.id = o.binding_id",
        db,
    )
    return set(rows.splitlines())


def accepted_calls(sim):
    return Counter(
        (entry["orderId"], entry["request"]["packageDetail"]["packageReferenceId"])
        for entry in sim.confirmations()
        if entry["accepted"]
    )


def assert_all_shipped_once(sim, orders):
    """Amazon holds each order shipped, each package once, every unit."""
    for order_id in orders:
        order = sim.order(order_id)
        assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED", order_id
        references = [p["packageReferenceId"] for p in order["packages"]]
        assert len(references) == len(set(references)), order_id
        shipped = Counter()
        for package in order["packages"]:
            for line in package["packageItems"]:
                shipped[line["orderItemId"]] += line["quantity"]
        for item in order["orderItems"]:
            if (item.get("cancellation") or {}).get("cancelledQuantity"):
                continue
            assert shipped[item["orderItemId"]] == item["quantityOrdered"], order_id


def test_sender_killed_nothing_lost_resent_only_as_the_same_package(
    odoo_setup,
    system_db,
    simulators,  # noqa: F811
):
    sim = simulators(400, 51)
    shipped = prepared(odoo_setup, system_db, sim)
    killed = Counter()
    for spec in KILL_POINTS:
        code, _result, err = run_worker(
            odoo_setup, system_db, WORKER_ACTION="send", KILL_AT=spec
        )
        if code == -9:
            killed[spec.split(":")[0]] += 1
        else:
            assert code == 0, err[-2000:]
    code, result, err = run_worker(odoo_setup, system_db, WORKER_ACTION="send")
    assert code == 0, err[-2000:]
    assert sum(killed.values()) >= 6, killed
    assert states(odoo_setup, system_db) == {"done": shipped["operations"]}
    orders = confirmed_orders(odoo_setup, system_db)
    assert_all_shipped_once(sim, orders)
    calls = accepted_calls(sim)
    resent = sum(count - 1 for count in calls.values())
    # only a kill between Amazon's answer and the commit of its record sends
    # a package again, with the same packageReferenceId: Amazon edits it
    assert resent <= killed["accepted"] + killed["sent"], (resent, killed)
    assert len(calls) == shipped["operations"]
    print(
        f"SYSTEM_RESULT sender kills={dict(killed)} operations="
        f"{shipped['operations']} lost=0 resent_same_package={resent}"
    )


def test_concurrent_senders_send_each_once(odoo_setup, system_db, simulators):  # noqa: F811
    sim = simulators(400, 52)
    shipped = prepared(odoo_setup, system_db, sim)
    workers = [
        start_worker(odoo_setup, system_db, WORKER_ACTION="send") for _ in range(3)
    ]
    for worker in workers:
        code, _result, err = finish(worker, timeout=600)
        assert code == 0, err[-2000:]
        assert "deadlock detected" not in err
    assert states(odoo_setup, system_db) == {"done": shipped["operations"]}
    calls = accepted_calls(sim)
    assert len(calls) == shipped["operations"]
    assert set(calls.values()) == {1}, "no package sent twice"
    assert_all_shipped_once(sim, confirmed_orders(odoo_setup, system_db))
    print(f"SYSTEM_RESULT concurrent senders operations={shipped['operations']}")
