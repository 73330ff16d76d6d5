"""Feed and report documents behind simulated pre-signed S3 URLs.

Upload: ``PUT /_docs/upload/<id>`` with the Content-Type given to
createFeedDocument; download: ``GET /_docs/download/<id>``. No SP-API token is
needed; the URL is signed and expires after 5 minutes (simulator clock), like
Amazon's. S3-style XML errors: 403 ``AccessDenied`` (expired),
``SignatureDoesNotMatch`` (bad signature or Content-Type), 404 ``NoSuchKey``.
"""

import gzip
import hashlib
import hmac
import threading
import uuid
from urllib.parse import quote

from .httpd import Response
from .timeutil import iso

URL_TTL = 300
S3_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
    "<Message>{message}</Message><RequestId>{rid}</RequestId></Error>"
)
S3_MESSAGES = {
    "AccessDenied": "Request has expired",
    "SignatureDoesNotMatch": "The request signature we calculated does not match "
    "the signature you provided. Check your key and signing method.",
    "NoSuchKey": "The specified key does not exist.",
    "MethodNotAllowed": "The specified method is not allowed against this resource.",
}


class Documents:
    """Thread-safe document store (input feeds, result reports, reports)."""

    def __init__(self, clock, secret):
        self.clock = clock
        self.secret = secret
        self._lock = threading.Lock()
        self.docs = {}

    def reset(self):
        with self._lock:
            self.docs.clear()

    def create(self, kind, content_type, data=None, compress=False):
        """A new document; ``kind`` feed (uploaded by the seller), result or
        report (written by the simulator, optionally gzip-compressed)."""
        prefix = "amzn1.spdoc.1.4.eu" if kind == "report" else "amzn1.tortuga.4.eu"
        doc_id = f"{prefix}.{uuid.uuid4()}.T{uuid.uuid4().hex[:13].upper()}"
        if data is not None and compress:
            data = gzip.compress(data, mtime=0)
        doc = {
            "id": doc_id,
            "kind": kind,
            "contentType": content_type,
            "data": data,
            "compressed": bool(compress and data is not None),
            "created": self.clock(),
            "uploads": 0,
        }
        with self._lock:
            self.docs[doc_id] = doc
        return doc

    def get(self, doc_id):
        with self._lock:
            return self.docs.get(doc_id)

    def content(self, doc_id):
        """The document bytes (decompressed), or None if nothing was uploaded."""
        doc = self.get(doc_id)
        if doc is None or doc["data"] is None:
            return None
        return gzip.decompress(doc["data"]) if doc["compressed"] else doc["data"]

    # -- URLs ------------------------------------------------------------------
    def _sign(self, action, doc_id, expires, extra=""):
        data = f"{action}|{doc_id}|{expires}|{extra}".encode()
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def url(self, base, action, doc_id, gzip_header=False):
        expires = int(self.clock()) + URL_TTL
        extra = "gzip" if gzip_header else ""
        query = (
            f"X-Amz-Date={quote(iso(self.clock()))}&X-Amz-Expires={URL_TTL}"
            f"&X-Amz-Deadline={expires}"
        )
        if gzip_header:
            query += "&response-content-encoding=gzip"
        signature = self._sign(action, doc_id, expires, extra)
        return (
            f"{base}/_docs/{action}/{quote(doc_id)}?{query}&X-Amz-Signature={signature}"
        )

    # -- the S3 side -------------------------------------------------------------
    def handle(self, request, action, doc_id):
        expected = {"upload": "PUT", "download": "GET"}[action]
        if request.method != expected:
            return s3_error(405, "MethodNotAllowed")
        gzip_header = request.arg("response-content-encoding") == "gzip"
        try:
            expires = int(request.arg("X-Amz-Deadline", "0"))
        except ValueError:
            expires = 0
        signature = self._sign(action, doc_id, expires, "gzip" if gzip_header else "")
        if not hmac.compare_digest(signature, request.arg("X-Amz-Signature", "")):
            return s3_error(403, "SignatureDoesNotMatch")
        if self.clock() > expires:
            return s3_error(403, "AccessDenied")
        doc = self.get(doc_id)
        if doc is None:
            return s3_error(404, "NoSuchKey")
        if action == "upload":
            return self._upload(request, doc)
        return self._download(doc, gzip_header)

    def _upload(self, request, doc):
        if doc["kind"] != "feed":
            return s3_error(403, "SignatureDoesNotMatch")
        if request.headers.get("Content-Type") != doc["contentType"]:
            return s3_error(403, "SignatureDoesNotMatch")
        with self._lock:
            doc["data"] = bytes(request.body)
            doc["uploads"] += 1
            doc["uploaded"] = self.clock()
        etag = hashlib.md5(doc["data"]).hexdigest()  # noqa: S324 - S3 ETag
        return Response(200, b"", {"ETag": f'"{etag}"'})

    @staticmethod
    def _download(doc, gzip_header):
        if doc["data"] is None:
            return s3_error(404, "NoSuchKey")
        headers = {"Content-Type": doc["contentType"]}
        if doc["compressed"]:
            headers["Content-Encoding"] = "gzip" if gzip_header else "identity"
        return Response(200, doc["data"], headers)


def s3_error(status, code):
    body = S3_ERROR.format(
        code=code, message=S3_MESSAGES[code], rid=uuid.uuid4().hex[:16].upper()
    )
    return Response(status, body.encode(), {"Content-Type": "application/xml"})
