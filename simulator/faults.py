"""One-shot (or n-shot) fault injection per operation, and outages."""

import threading

OPERATIONS = (
    "searchOrders",
    "getOrder",
    "getMarketplaceParticipations",
    "token",
    "confirmShipment",
    "createFeedDocument",
    "uploadFeedDocument",
    "createFeed",
    "getFeed",
    "getFeeds",
    "cancelFeed",
    "getFeedDocument",
    "downloadFeedDocument",
    "searchListingsItems",
    "getListingsItem",
    "patchListingsItem",
    "listTransactions",
    "createReport",
    "getReport",
    "cancelReport",
    "getReportDocument",
    "downloadReportDocument",
)
KINDS = ("status", "delay", "hang", "malformed_json", "truncated_json", "drop")


class Faults:
    def __init__(self, clock=None):
        self.clock = clock
        self._lock = threading.Lock()
        self.queue = []
        self.down = None

    def reset(self):
        with self._lock:
            self.queue.clear()
            self.down = None

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

    # -- outages ---------------------------------------------------------------
    def set_down(self, seconds=None, status=503):
        status = int(status)
        if status < 400:
            raise ValueError("an outage needs an HTTP error status")
        until = None if seconds is None else self.clock() + float(seconds)
        with self._lock:
            self.down = {"until": until, "status": status}
        return {"until": until, "status": status}

    def set_up(self):
        with self._lock:
            self.down = None

    def outage(self):
        """The status fault of a running outage, or None."""
        with self._lock:
            down = self.down
            if down is None:
                return None
            if down["until"] is not None and self.clock() >= down["until"]:
                self.down = None
                return None
        return {
            "operation": "*",
            "kind": "status",
            "count": 1,
            "status": down["status"],
            "delay": None,
        }
