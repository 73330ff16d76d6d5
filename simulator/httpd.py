"""HTTP plumbing: responses, the request handler and the threaded server."""

import json
import re
import socket
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Response:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


_DECIMAL = re.compile(r'"\\u0000D(-?[0-9]+(?:\.[0-9]+)?)\\u0000"')


def _mark(value):
    if isinstance(value, Decimal):
        return f"\x00D{value}\x00"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(payload):
    """``json.dumps`` writing ``Decimal`` values as exact JSON numbers (``-1.50``)."""
    text = json.dumps(payload, ensure_ascii=False, default=_mark)
    return _DECIMAL.sub(r"\1", text) if "\\u0000D" in text else text


def json_response(status, payload, headers=None, content_type="application/json"):
    body = dumps(payload).encode()
    return Response(status, body, {"Content-Type": content_type, **(headers or {})})


def api_response(status, payload, headers=None):
    """An SP-API style JSON response with a fresh ``x-amzn-RequestId``."""
    return json_response(
        status, payload, {"x-amzn-RequestId": str(uuid.uuid4()), **(headers or {})}
    )


def html_response(status, html, headers=None):
    body = html.encode()
    return Response(
        status, body, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    )


def redirect(location):
    return Response(302, b"", {"Location": location, "Referrer-Policy": "no-referrer"})


class Request:
    """The parts of an HTTP request the simulator looks at."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path.rstrip("/") or "/"
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body

    def form(self):
        pairs = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[-1] for k, v in pairs.items()}

    def json(self):
        return json.loads(self.body.decode() or "null")

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default


class DropConnection(Exception):
    """Raised by a fault to close the socket without answering."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""

    def log_message(self, format, *args):
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, self.path, self.headers, body)
        try:
            response = self.server.simulator.dispatch(request)
        except DropConnection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        declared = response.headers.get("Content-Length")
        if declared is None:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, simulator):
        self.simulator = simulator
        super().__init__(address, Handler)
