"""Feeds API 2021-06-30: documents, feeds and their clock-driven processing."""

import base64
import json
import threading

from .bodies import checked, json_body
from .constants import MARKETPLACES
from .orders_api import ApiError, get_list, invalid
from .schema import CREATE_FEED, CREATE_FEED_DOCUMENT
from .timeutil import iso, parse_iso

DAY = 86400
RETENTION = 90 * DAY
GET_FEEDS_PARAMS = (
    "feedTypes",
    "marketplaceIds",
    "pageSize",
    "processingStatuses",
    "createdSince",
    "createdUntil",
)
STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
PROCESSED = ("JSON_LISTINGS_FEED", "POST_ORDER_FULFILLMENT_DATA", "UPLOAD_VAT_INVOICE")
# accepted by createFeed, but the simulator (or Amazon, for the retired XML and
# flat-file listings feeds) ends them FATAL
OTHER_FEED_TYPES = (
    "POST_FLAT_FILE_FULFILLMENT_DATA",
    "POST_ORDER_ACKNOWLEDGEMENT_DATA",
    "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
    "POST_PAYMENT_ADJUSTMENT_DATA",
    "POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA",
    "POST_EXPECTED_SHIP_DATE_SOD",
    "POST_PRODUCT_DATA",
    "POST_INVENTORY_AVAILABILITY_DATA",
    "POST_PRODUCT_PRICING_DATA",
    "POST_PRODUCT_IMAGE_DATA",
    "POST_PRODUCT_RELATIONSHIP_DATA",
    "POST_PRODUCT_OVERRIDES_DATA",
    "POST_FLAT_FILE_LISTINGS_DATA",
    "POST_FLAT_FILE_INVLOADER_DATA",
    "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
)


class Jobs:
    """Feeds or reports moving IN_QUEUE → IN_PROGRESS → DONE/FATAL on the clock.

    A job starts after a quarter of ``seconds / time_scale`` and finishes after
    all of it; ``run(job, end)`` does the work and returns (status, doc id).
    """

    def __init__(self, clock, seconds, time_scale, run):
        self.clock = clock
        self.seconds = float(seconds)
        self.time_scale = float(time_scale) or 1.0
        self.run = run
        self._lock = threading.RLock()
        self.jobs = {}

    def reset(self):
        with self._lock:
            self.jobs.clear()

    def add(self, job):
        duration = self.seconds / self.time_scale
        job["start_at"] = job["created"] + duration / 4
        job["end_at"] = job["created"] + duration
        job["status"] = "IN_QUEUE"
        with self._lock:
            self.jobs[job["id"]] = job
        return job

    def tick(self, force=False):
        """Advance every job whose time has come (``force``: all of them now)."""
        now = self.clock()
        done = []
        with self._lock:
            for job in sorted(self.jobs.values(), key=lambda j: j["created"]):
                if job["status"] not in ("IN_QUEUE", "IN_PROGRESS"):
                    continue
                if force:
                    job["start_at"] = min(job["start_at"], now)
                    job["end_at"] = min(job["end_at"], now)
                if job["status"] == "IN_QUEUE" and now >= job["start_at"]:
                    job["status"] = "IN_PROGRESS"
                if job["status"] == "IN_PROGRESS" and now >= job["end_at"]:
                    job["status"], job["result"] = self.run(job, job["end_at"])
                    done.append(job["id"])
        return done

    def get(self, job_id):
        self.tick()
        with self._lock:
            return self.jobs.get(job_id)

    def all(self):
        self.tick()
        with self._lock:
            return sorted(self.jobs.values(), key=lambda j: (j["created"], j["id"]))

    def cancel(self, job_id):
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None or job["status"] != "IN_QUEUE":
                return job, False
            job["status"] = "CANCELLED"
            job["end_at"] = self.clock()
            return job, True


class Feeds:
    def __init__(self, sim, seconds, time_scale, compress_reports=False):
        from .feed_processors import Processors

        self.sim = sim
        self.clock = sim.clock
        self.documents = sim.documents
        self.compress_reports = compress_reports
        self.processors = Processors(sim)
        self.jobs = Jobs(sim.clock, seconds, time_scale, self._process)
        self._counter = 0

    def reset(self):
        self.jobs.reset()
        self._counter = 0

    # -- createFeedDocument ----------------------------------------------------
    def create_document(self, request, base, strict=False):
        body, _ = checked(CREATE_FEED_DOCUMENT, json_body(request), strict)
        content_type = body["contentType"].strip()
        if not content_type:
            raise invalid("Invalid input", "contentType must not be empty.")
        doc = self.documents.create("feed", content_type)
        return {
            "feedDocumentId": doc["id"],
            "url": self.documents.url(base, "upload", doc["id"]),
        }

    # -- createFeed --------------------------------------------------------------
    def parse_create(self, request, strict=False):
        body, ignored = checked(CREATE_FEED, json_body(request), strict)
        feed_type = body["feedType"]
        if feed_type not in PROCESSED + OTHER_FEED_TYPES:
            raise invalid(f"feed type {feed_type} is invalid")
        known = {MARKETPLACES[m][0] for m in self.sim.marketplaces}
        unknown = [m for m in body["marketplaceIds"] if m not in known]
        if unknown:
            raise invalid(
                "Invalid input",
                f"Invalid marketplaceIds {', '.join(unknown)} for this seller.",
            )
        doc = self.documents.get(body["inputFeedDocumentId"])
        if doc is None or doc["kind"] != "feed":
            raise invalid(
                "Invalid input",
                f"inputFeedDocumentId {body['inputFeedDocumentId']} is invalid.",
            )
        if feed_type == "UPLOAD_VAT_INVOICE" and not self.sim.invoice_upload:
            raise ApiError(
                403, "Unauthorized", "Access to the resource is forbidden", ""
            )
        return body, ignored

    def create(self, body, ignored=()):
        with self.jobs._lock:
            self._counter += 1
            feed_id = str(50_000_019_000 + self._counter)
        job = {
            "id": feed_id,
            "feedType": body["feedType"],
            "marketplaceIds": list(body["marketplaceIds"]),
            "inputFeedDocumentId": body["inputFeedDocumentId"],
            "feedOptions": dict(body.get("feedOptions") or {}),
            "ignoredFields": list(ignored),
            "created": self.clock(),
            "result": None,
        }
        self.jobs.add(job)
        return {"feedId": feed_id}

    def _process(self, job, end):
        data = self.documents.content(job["inputFeedDocumentId"])
        status, content, content_type = self.processors.run(job, data, end)
        if content is None:
            return status, None
        doc = self.documents.create(
            "result", content_type, content, compress=self.compress_reports
        )
        return status, doc["id"]

    # -- getFeed / getFeeds / cancelFeed ------------------------------------------
    def render(self, job):
        feed = {
            "feedId": job["id"],
            "feedType": job["feedType"],
            "marketplaceIds": list(job["marketplaceIds"]),
            "createdTime": iso(job["created"]),
            "processingStatus": job["status"],
        }
        if job["status"] in ("IN_PROGRESS", "DONE", "FATAL"):
            feed["processingStartTime"] = iso(job["start_at"])
        if job["status"] in ("DONE", "FATAL", "CANCELLED"):
            feed["processingEndTime"] = iso(job["end_at"])
        if job.get("result"):
            feed["resultFeedDocumentId"] = job["result"]
        return feed

    def get_feed(self, feed_id):
        job = self.jobs.get(feed_id)
        if job is None:
            raise invalid("Invalid input", f"The feed {feed_id} was not found.")
        return self.render(job)

    def cancel(self, feed_id):
        job, ok = self.jobs.cancel(feed_id)
        if job is None:
            raise invalid("Invalid input", f"The feed {feed_id} was not found.")
        if not ok:
            raise invalid(
                "Invalid input",
                f"The feed {feed_id} cannot be cancelled: its processingStatus is "
                f"{job['status']} (only IN_QUEUE feeds can be cancelled).",
            )

    def get_feeds(self, params):
        token = _one(params, "nextToken")
        if token:
            others = [k for k in GET_FEEDS_PARAMS if k in params]
            if others:
                raise invalid(
                    "Invalid input",
                    "nextToken must be the only parameter when it is given.",
                )
            query = _read_token(token)
        else:
            query = _feeds_query(params, self.clock())
        jobs = [j for j in self.jobs.all() if _feed_matches(j, query)]
        jobs.sort(key=lambda j: (j["created"], j["id"]), reverse=True)
        start = query["offset"]
        page = jobs[start : start + query["size"]]
        body = {"feeds": [self.render(j) for j in page]}
        if start + query["size"] < len(jobs):
            body["nextToken"] = _make_token(dict(query, offset=start + query["size"]))
        return body

    # -- getFeedDocument -------------------------------------------------------
    def get_document(self, doc_id, params, base):
        doc = self.documents.get(doc_id)
        if doc is None or doc["kind"] not in ("feed", "result"):
            raise invalid("Invalid input", f"The feed document {doc_id} was not found.")
        gzip_header = _one(params, "enableContentEncodingUrlHeader") == "true"
        body = {
            "feedDocumentId": doc_id,
            "url": self.documents.url(
                base, "download", doc_id, gzip_header and doc["compressed"]
            ),
        }
        if doc["compressed"]:
            body["compressionAlgorithm"] = "GZIP"
        return body


def _one(params, name):
    values = params.get(name)
    return values[-1] if values else None


def _feeds_query(params, now):
    types = get_list(params, "feedTypes")
    if not types:
        raise invalid("Invalid input", "Either feedTypes or nextToken is required.")
    markets = get_list(params, "marketplaceIds")
    if len(types) > 10 or len(markets) > 10:
        raise invalid(
            "Invalid input", "feedTypes and marketplaceIds accept 1-10 values."
        )
    statuses = get_list(params, "processingStatuses", STATUSES)
    raw_size = _one(params, "pageSize") or "10"
    try:
        size = int(raw_size)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise invalid("Invalid input", "pageSize must be between 1 and 100.")
    since, until = now - RETENTION, now
    for name in ("createdSince", "createdUntil"):
        value = _one(params, name)
        if value is None:
            continue
        try:
            stamp = parse_iso(value)
        except ValueError:
            raise invalid(
                "Invalid input", f"{name} is not an ISO 8601 date-time."
            ) from None
        if name == "createdSince":
            since = stamp
        else:
            until = stamp
    if until < since:
        raise invalid("Invalid input", "createdUntil must be after createdSince.")
    return {
        "types": types,
        "markets": markets,
        "statuses": statuses,
        "since": max(since, now - RETENTION),
        "until": until,
        "size": size,
        "offset": 0,
    }


def _feed_matches(job, q):
    if job["feedType"] not in q["types"]:
        return False
    if q["markets"] and not set(q["markets"]) & set(job["marketplaceIds"]):
        return False
    if q["statuses"] and job["status"] not in q["statuses"]:
        return False
    return q["since"] <= job["created"] <= q["until"]


def _make_token(query):
    return base64.urlsafe_b64encode(json.dumps(query).encode()).decode().rstrip("=")


def _read_token(token):
    try:
        query = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(query, dict) or "types" not in query:
            raise ValueError
    except ValueError:
        raise invalid("Invalid input", "Invalid nextToken.") from None
    return query
