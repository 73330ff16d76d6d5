"""A scriptable SP-API + LWA stub on 127.0.0.1 for the client tests."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SEARCH = "/orders/2026-01-01/orders"
TOKEN = "/auth/o2/token"
SELLERS = "/sellers/v1/marketplaceParticipations"
DE = "A1PA6795UKMFR9"


def _json_or_none(raw, ctype):
    if not raw or "json" not in ctype:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Reply:
    def __init__(self, status=200, body=None, headers=None, raw=None, delay=0):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw  # bytes sent as-is (HTML, truncated JSON, ...)
        self.delay = delay

    def payload(self):
        if self.raw is not None:
            return self.raw, self.headers.get("Content-Type", "text/html")
        if self.body is None and self.status == 204:
            return b"", None
        return json.dumps(self.body).encode(), "application/json"


def token_reply(form):
    refresh = form.get("refresh_token", form.get("code", "none"))
    return Reply(
        body={
            "access_token": f"Atza|for-{refresh}",
            "refresh_token": "Atzr|new-from-code",
            "token_type": "bearer",
            "expires_in": 3600,
        }
    )


class Stub:
    """Routes map a path (or path prefix ending in '/') to queued replies.

    The last queued reply of a route repeats; a callable gets the request.
    """

    def __init__(self):
        self.routes = {TOKEN: [token_reply]}
        self.requests = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}
        )
        self._thread.daemon = True
        self._thread.start()

    def on(self, path, *replies):
        self.routes[path] = list(replies)

    def calls(self, path):
        return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _next(self, path):
        with self._lock:
            key = path if path in self.routes else self._prefix(path)
            queue = self.routes.get(key)
            if not queue:
                return Reply(404, {"errors": [{"code": "NotFound", "message": path}]})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _prefix(self, path):
        for key in self.routes:
            if key.endswith("/") and path.startswith(key):
                return key
        return None

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                ctype = self.headers.get("Content-Type") or ""
                form = {}
                if ctype.startswith("application/x-www-form-urlencoded"):
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                request = {
                    "method": self.command,
                    "path": parts.path,
                    "query": {
                        k: v[0]
                        for k, v in parse_qs(
                            parts.query, keep_blank_values=True
                        ).items()
                    },
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "form": form,
                    "raw": raw,
                    "json": _json_or_none(raw, ctype),
                }
                with stub._lock:
                    stub.requests.append(request)
                reply = stub._next(parts.path)
                if callable(reply):
                    reply = reply(form if form else request)
                if reply.delay:
                    time.sleep(reply.delay)
                data, ctype = reply.payload()
                self.send_response(reply.status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if reply.status != 204:
                    self.send_header("Content-Length", str(len(data)))
                for key, value in reply.headers.items():
                    if key != "Content-Type":
                        self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return Handler


SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spapi" / "samples"


def sample(name):
    data = json.loads((SAMPLES / name).read_text())
    return data.get("body") or data.get("response")


def page(orders=(), next_token=None, **extra):
    body = {"orders": list(orders), "lastUpdatedBefore": "2026-01-02T00:00:00Z"}
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    body.update(extra)
    return Reply(body=body)


def search(client, **kwargs):
    """All pages of a searchOrders call on DE."""
    kwargs.setdefault("last_updated_after", "2026-01-01T00:00:00Z")
    return list(client.search_orders([DE], **kwargs))
