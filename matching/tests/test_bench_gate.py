"""Regression gate: the German benchmark at a small size (about 6 s)."""

import random

from matching.bench import german
from matching.bench.common import BlockIndex
from matching.normalize import keys_for

PARTNERS, ORDERS = 5000, 2000


def test_german_benchmark_targets():
    """Balanced preset: precision >= 0.997, recall >= 0.95, review <= 3 %."""
    rng = random.Random(42)
    base = german.build_partners(rng, PARTNERS)
    orders = german.build_orders(rng, base, ORDERS)
    base_keys = {p["id"]: keys_for(german.partner_values(p)) for p in base}
    index = BlockIndex(max_block=1000)
    for pid, keys in base_keys.items():
        index.add(pid, keys)
    stats = german.evaluate(base_keys, index, orders, "balanced")
    assert stats["link_ok"] / stats["link"] >= 0.997
    assert stats["link_ok"] / stats["repeat"] >= 0.95
    assert stats["review"] / len(orders) <= 0.03
