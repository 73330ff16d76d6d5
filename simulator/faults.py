"""One-shot (or n-shot) fault injection per operation."""

import threading

OPERATIONS = ("searchOrders", "getOrder", "getMarketplaceParticipations", "token")
KINDS = ("status", "delay", "hang", "malformed_json", "truncated_json", "drop")


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.queue = []

    def reset(self):
        with self._lock:
            self.queue.clear()

    def add(self, operation, kind, count=1, status=None, delay=None):
        if operation not in OPERATIONS:
            raise ValueError(
                f"unknown operation {operation!r}, use one of {OPERATIONS}"
            )
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}, use one of {KINDS}")
        if kind == "status":
            status = int(status or 503)
            if status < 400:
                raise ValueError("status faults need an HTTP error status")
        fault = {
            "operation": operation,
            "kind": kind,
            "count": int(count),
            "status": status,
            "delay": delay,
        }
        with self._lock:
            self.queue.append(fault)
        return dict(fault)

    def take(self, operation):
        """Consume and return the next fault for ``operation`` or None."""
        with self._lock:
            for fault in self.queue:
                if fault["operation"] == operation and fault["count"] > 0:
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self.queue.remove(fault)
                    return dict(fault)
        return None
