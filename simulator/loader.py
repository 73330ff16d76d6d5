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
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    orders = []
    for file in files:
        orders.extend(extract_orders(json.loads(file.read_text(encoding="utf-8"))))
    return orders
