"""Load Order objects from JSON files, folders, lists or API responses."""

import json
from pathlib import Path


def extract_orders(data):
    """Orders from an Order, a list, a searchOrders/getOrder response or a sample."""
    if isinstance(data, list):
        return [o for item in data for o in extract_orders(item)]
    if not isinstance(data, dict):
        raise TypeError("expected an Order object, a list or a response")
    if "orderId" in data:
        return [data]
    if "orders" in data:
        return list(data["orders"])
    if "order" in data:
        return [data["order"]]
    if "response" in data:  # sample files in /work/shared/spapi/samples
        return extract_orders(data["response"])
    raise ValueError("no orders found in JSON object")


def load_orders(source):
    """``source``: list of Order dicts, a JSON file or a folder of JSON files."""
    if source is None:
        return []
    if isinstance(source, (list, tuple)):
        return extract_orders(list(source))
    path = Path(source)
    if not path.is_dir():
        return extract_orders(json.loads(path.read_text(encoding="utf-8")))
    orders = []
    for file in sorted(path.glob("*.json")):  # files without orders are skipped
        try:
            orders.extend(extract_orders(json.loads(file.read_text(encoding="utf-8"))))
        except (TypeError, ValueError):
            continue
    return orders
