"""Property-based: the parser reads every order or says why, never crashes."""

from hypothesis import HealthCheck, given, settings

from simulator.mutations import broken_orders
from spapi import AmazonOrder, SpApiError

TRIED = {"parsed": 0, "refused": 0}


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    derandomize=True,  # the same inputs in every run (CI must not flicker)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(broken_orders())
def test_broken_orders_are_parsed_or_refused(payload):
    try:
        order = AmazonOrder.from_api(payload)
    except SpApiError:
        TRIED["refused"] += 1
        return
    # what the import uses of a parsed order must work too
    for line in order.lines:
        assert line.quantity is None or isinstance(line.quantity, int)
        for charge in line.charges:
            assert charge.kind
    order.total() if order.priced else None
    order.charges_total()
    _ = (order.gift_message, order.is_fba, order.is_business, order.purchase_date)
    TRIED["parsed"] += 1


def test_report_inputs_tried():
    """(runs after the property test: how many inputs it tried)"""
    total = TRIED["parsed"] + TRIED["refused"]
    print(
        f"FUZZ_RESULT parser inputs={total} parsed={TRIED['parsed']} "
        f"refused={TRIED['refused']}"
    )
    assert total >= 1000
