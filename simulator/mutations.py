"""Hypothesis strategies of broken Amazon orders (tests only).

Valid generated orders (``generator``) are mutated the ways Amazon's data
could go wrong: fields missing or of another type, huge or control-character
strings, unknown currencies and marketplaces, zero or negative quantities and
prices, thousands of lines.
"""

import copy

from hypothesis import strategies as st

from .generator import generate_orders

#: valid orders the mutations start from (FBM, FBA, business, gift, COD...)
SEEDS = generate_orders(60, seed=4242, marketplaces=("DE", "FR", "PL", "SE"))

WEIRD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(alphabet=st.characters(max_codepoint=31), min_size=1, max_size=50),
    st.just("x" * 100_000),
    st.just("-1"),
    st.just("0"),
    st.just("1e309"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
MONEY_VALUES = st.sampled_from(
    ["0", "-12.90", "-0.01", "99999999999.99", "12,90", "NaN", "1e5", "", None]
)
CURRENCIES = st.sampled_from(["XXX", "BTC", "", None, "eur", "CHF", "€", "EURO"])
MARKETPLACES = st.sampled_from(["A0UNKNOWN", "", None, "ATVPDKIKX0DER", 42])


def _paths(value, path=()):
    """Every (path to a dict key or list index) of a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key)
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*path, index)
            yield from _paths(child, (*path, index))


def _parent(order, path):
    node = order
    for step in path[:-1]:
        node = node[step]
    return node


@st.composite
def broken_orders(draw, max_mutations=4, many_lines=(200, 2000)):
    """A generated order with 1..``max_mutations`` things wrong with it;
    ``many_lines``: the line counts a "thousands of lines" mutation uses."""
    order = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _step in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        kind = draw(
            st.sampled_from(
                [
                    "delete",
                    "replace",
                    "money",
                    "currency",
                    "marketplace",
                    "quantity",
                    "many_lines",
                    "no_items",
                ]
            )
        )
        _mutate(draw, order, kind, many_lines)
    return order


def _mutate(draw, order, kind, many_lines):
    paths = [p for p in _paths(order) if p and p[0] != "orderId"]
    if kind in ("delete", "replace") and paths:
        path = draw(st.sampled_from(paths))
        parent = _parent(order, path)
        if kind == "delete" and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(WEIRD_VALUES)
    elif kind == "money":
        amounts = [p for p in paths if p[-1] == "amount"]
        if amounts:
            path = draw(st.sampled_from(amounts))
            _parent(order, path)[path[-1]] = draw(MONEY_VALUES)
    elif kind == "currency":
        codes = [p for p in paths if p[-1] == "currencyCode"]
        if codes:
            path = draw(st.sampled_from(codes))
            _parent(order, path)[path[-1]] = draw(CURRENCIES)
    elif kind == "marketplace":
        channel = order.get("salesChannel")
        if isinstance(channel, dict):
            channel["marketplaceId"] = draw(MARKETPLACES)
    elif kind == "quantity":
        items = order.get("orderItems")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            items[0]["quantityOrdered"] = draw(
                st.sampled_from([0, -1, -100, 10**9, "3", 2.5, None])
            )
    elif kind == "many_lines":
        items = order.get("orderItems")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            count = draw(st.sampled_from(many_lines))
            order["orderItems"] = [
                dict(copy.deepcopy(items[0]), orderItemId=f"IT{n:06d}")
                for n in range(count)
            ]
    elif kind == "no_items":
        order["orderItems"] = draw(st.sampled_from([[], None, {}, "none"]))
