"""Reports API 2021-06-30 for ``GET_MERCHANT_LISTINGS_ALL_DATA`` (tab-separated,
Amazon's documented columns), processed on the clock like feeds."""

from .bodies import checked, json_body
from .constants import MARKETPLACES
from .feeds import Jobs
from .lines import local_price
from .orders_api import invalid
from .schema import CREATE_REPORT
from .timeutil import iso

REPORT_TYPES = ("GET_MERCHANT_LISTINGS_ALL_DATA",)
COLUMNS = (
    "item-name", "item-description", "listing-id", "seller-sku", "price",
    "quantity", "open-date", "image-url", "item-is-marketplace",
    "product-id-type", "zshop-shipping-fee", "item-note", "item-condition",
    "zshop-category1", "zshop-browse-path", "zshop-storefront-feature", "asin1",
    "asin2", "asin3", "will-ship-internationally", "expedited-shipping",
    "zshop-boldface", "product-id", "bid-for-featured-placement", "add-delete",
    "pending-quantity", "fulfillment-channel", "merchant-shipping-group", "status",
)  # fmt: skip
CONTENT_TYPE = "text/tab-separated-values; charset=windows-1252"


class Reports:
    def __init__(self, sim, seconds, time_scale):
        self.sim = sim
        self.clock = sim.clock
        self.documents = sim.documents
        self.jobs = Jobs(sim.clock, seconds, time_scale, self._process)
        self._counter = 0

    def reset(self):
        self.jobs.reset()
        self._counter = 0

    def create(self, request, strict=False):
        body, _ = checked(CREATE_REPORT, json_body(request), strict)
        if body["reportType"] not in REPORT_TYPES:
            raise invalid(f"Report type {body['reportType']} is not supported.")
        known = {MARKETPLACES[m][0] for m in self.sim.marketplaces}
        unknown = [m for m in body["marketplaceIds"] if m not in known]
        if unknown:
            raise invalid(f"Invalid marketplaceIds {', '.join(unknown)}.")
        with self.jobs._lock:
            self._counter += 1
            report_id = str(60_000_019_000 + self._counter)
        self.jobs.add(
            {
                "id": report_id,
                "reportType": body["reportType"],
                "marketplaceIds": list(body["marketplaceIds"]),
                "options": dict(body.get("reportOptions") or {}),
                "created": self.clock(),
                "result": None,
            }
        )
        return {"reportId": report_id}

    def _process(self, job, end):
        market = next(
            c
            for c in self.sim.marketplaces
            if MARKETPLACES[c][0] == job["marketplaceIds"][0]
        )
        text = merchant_listings(self.sim.listings_store.rows(), market)
        doc = self.documents.create(
            "report", CONTENT_TYPE, text.encode("cp1252", "replace")
        )
        return "DONE", doc["id"]

    def render(self, job):
        report = {
            "marketplaceIds": list(job["marketplaceIds"]),
            "reportId": job["id"],
            "reportType": job["reportType"],
            "createdTime": iso(job["created"]),
            "processingStatus": job["status"],
        }
        if job["status"] in ("IN_PROGRESS", "DONE", "FATAL"):
            report["processingStartTime"] = iso(job["start_at"])
        if job["status"] in ("DONE", "FATAL", "CANCELLED"):
            report["processingEndTime"] = iso(job["end_at"])
        if job.get("result"):
            report["reportDocumentId"] = job["result"]
        return report

    def get(self, report_id):
        job = self.jobs.get(report_id)
        if job is None:
            raise invalid(f"The report {report_id} was not found.")
        return self.render(job)

    def cancel(self, report_id):
        job, ok = self.jobs.cancel(report_id)
        if job is None:
            raise invalid(f"The report {report_id} was not found.")
        if not ok:
            raise invalid(
                f"The report {report_id} cannot be cancelled: its processingStatus "
                f"is {job['status']}."
            )

    def document(self, doc_id, base):
        doc = self.documents.get(doc_id)
        if doc is None or doc["kind"] != "report":
            raise invalid(f"The report document {doc_id} was not found.")
        return {
            "reportDocumentId": doc_id,
            "url": self.documents.url(base, "download", doc_id),
        }


def _cell(value):
    return str(value).replace("\t", " ").replace("\n", " ")


def merchant_listings(rows, market):
    """GET_MERCHANT_LISTINGS_ALL_DATA text for one marketplace."""
    currency = MARKETPLACES[market][3]
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        merchant = row["channels"].get("DEFAULT")
        channel = "DEFAULT" if merchant is not None else "AMAZON_EU"
        quantity = "" if merchant is None else merchant
        active = "BUYABLE" in row["status"] and (merchant is None or merchant > 0)
        values = {
            "item-name": row["title"],
            "listing-id": row["listingId"],
            "seller-sku": row["sku"],
            "price": local_price(row["price"], currency),
            "quantity": quantity,
            "open-date": _open_date(row["created"]),
            "item-is-marketplace": "y",
            "product-id-type": "1" if row["asin"] else "",
            "item-condition": "11",
            "asin1": row["asin"] or "",
            "will-ship-internationally": "1",
            "product-id": row["asin"] or "",
            "pending-quantity": "0",
            "fulfillment-channel": channel,
            "merchant-shipping-group": "Migrierte Vorlage"
            if market == "DE"
            else "Migrated Template",
            "status": "Active" if active else "Inactive",
        }
        lines.append("\t".join(_cell(values.get(c, "")) for c in COLUMNS))
    return "\r\n".join(lines) + "\r\n"


def _open_date(ts):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(int(ts), timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S UTC"
    )
