"""Feeds API 2021-06-30: feed status, listings feed, processing reports.

* :class:`FeedDocumentUpload`, :class:`Feed`: answers of createFeedDocument
  and getFeed.
* :func:`quantity_feed`: a ``JSON_LISTINGS_FEED`` document of merchant
  quantities (listings-feed-schema-v2.json); message ``n`` is the ``n``-th
  update given.
* :func:`parse_listings_report`: its JSON processing report
  (listings-feed-processing-report-schema-v2.json).
* :func:`parse_xml_report`: the XML ``ProcessingReport`` of XML feeds such
  as ``POST_ORDER_FULFILLMENT_DATA`` (built by :mod:`spapi.shipments`).
* :func:`vat_invoice_options`: ``feedOptions`` of ``UPLOAD_VAT_INVOICE``.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from . import _values as v
from .errors import InvalidResponse
from .listings import AVAILABILITY_ATTRIBUTE, quantity_patches

LISTINGS_FEED_TYPE = "JSON_LISTINGS_FEED"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
PDF_CONTENT_TYPE = "application/pdf"
VAT_INVOICE_FEED_TYPE = "UPLOAD_VAT_INVOICE"
#: the marketplaces Amazon takes UPLOAD_VAT_INVOICE feeds for ("Option 3:
#: upload invoices through the SP-API"): ES, UK, FR, DE, IT, NL, PL, SE
VAT_INVOICE_MARKETPLACES = frozenset(
    {
        "A1RKKUPIHCS9HS",
        "A1F83G8C2ARO7P",
        "A13V1IB3VIYZZH",
        "A1PA6795UKMFR9",
        "APJ6JRA9NG5V4",
        "A1805IZSGTT6HS",
        "A1C3SOZRARQ6R3",
        "A2NODRKZP88ZB9",
    }
)
# Schema maximum is 25000; Amazon staff give 10000 (models#4097).
LISTINGS_FEED_MAX_MESSAGES = 10000
FINISHED_STATUSES = frozenset({"DONE", "CANCELLED", "FATAL"})

__all__ = [
    "Feed",
    "FeedDocumentUpload",
    "FeedIssue",
    "ListingsFeedReport",
    "QuantityUpdate",
    "VAT_INVOICE_MARKETPLACES",
    "XmlProcessingReport",
    "XmlResult",
    "encode_json",
    "parse_listings_report",
    "parse_xml_report",
    "quantity_feed",
    "vat_invoice_options",
]


# -- Feeds API answers --------------------------------------------------------


@dataclass(frozen=True)
class FeedDocumentUpload:
    """createFeedDocument: where to PUT the content (URL valid 5 minutes)."""

    document_id: str
    url: str = field(repr=False)  # presigned: keep the signature out of logs

    @classmethod
    def from_api(cls, body):
        op = "createFeedDocument"
        doc = body.get("feedDocumentId") if isinstance(body, dict) else None
        url = body.get("url") if isinstance(body, dict) else None
        if not isinstance(doc, str) or not doc or not isinstance(url, str) or not url:
            raise InvalidResponse(
                f"{op} answer without feedDocumentId/url", operation=op
            )
        return cls(doc, url)


@dataclass(frozen=True)
class Feed:
    """getFeed: the model's ``Feed``."""

    feed_id: str
    feed_type: str
    processing_status: str  # IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL
    marketplace_ids: tuple
    created: datetime | None  # naive UTC
    processing_started: datetime | None
    processing_ended: datetime | None
    result_document_id: str | None

    @property
    def finished(self):
        return self.processing_status in FINISHED_STATUSES

    @property
    def done(self):
        return self.processing_status == "DONE"

    @classmethod
    def from_api(cls, body):
        op = "getFeed"
        if not isinstance(body, dict) or not body.get("feedId"):
            raise InvalidResponse(f"{op} answer without feedId", operation=op)
        context = f"feed {body['feedId']}"
        if not body.get("processingStatus"):
            raise InvalidResponse(f"{context}: no processingStatus", operation=op)
        return cls(
            feed_id=str(body["feedId"]),
            feed_type=str(body.get("feedType") or ""),
            processing_status=str(body["processingStatus"]),
            marketplace_ids=v.strings(body.get("marketplaceIds"), context, "ids"),
            created=v.timestamp(body.get("createdTime"), context, "createdTime"),
            processing_started=v.timestamp(
                body.get("processingStartTime"), context, "processingStartTime"
            ),
            processing_ended=v.timestamp(
                body.get("processingEndTime"), context, "processingEndTime"
            ),
            result_document_id=body.get("resultFeedDocumentId") or None,
        )


# -- JSON_LISTINGS_FEED -------------------------------------------------------


@dataclass(frozen=True)
class QuantityUpdate:
    """Merchant (``DEFAULT`` channel) stock of one SKU."""

    sku: str
    product_type: str  # summaries[].productType of the listing: required
    quantity: int
    lead_time_to_ship_max_days: int | None = None


def _quantity_message(message_id, update, operation):
    if not isinstance(update.sku, str) or not update.sku:
        raise ValueError("update without sku")
    if not isinstance(update.product_type, str) or not update.product_type:
        raise ValueError(f"sku {update.sku}: product type is required")
    patches = quantity_patches(update.quantity, update.lead_time_to_ship_max_days)
    message = {
        "messageId": message_id,
        "sku": update.sku,
        "operationType": operation,
        "productType": update.product_type,
    }
    if operation == "PATCH":
        message["patches"] = patches
    else:
        message["attributes"] = {AVAILABILITY_ATTRIBUTE: patches[0]["value"]}
    return message


def quantity_feed(seller_id, updates, *, operation="PATCH", issue_locale=None):
    """``JSON_LISTINGS_FEED`` document (dict) setting merchant quantities.

    ``operation`` is ``PATCH`` (``replace`` of ``fulfillment_availability``)
    or ``PARTIAL_UPDATE`` (same effect, attribute form). Message ids are
    1..n in the order of ``updates``; a SKU may appear once.
    """
    if operation not in ("PATCH", "PARTIAL_UPDATE"):
        raise ValueError("operation must be PATCH or PARTIAL_UPDATE")
    if not isinstance(seller_id, str) or not seller_id:
        raise ValueError("seller_id must be a non-empty string")
    updates = list(updates)
    if not updates or len(updates) > LISTINGS_FEED_MAX_MESSAGES:
        raise ValueError(f"1 to {LISTINGS_FEED_MAX_MESSAGES} updates per feed")
    skus = [u.sku for u in updates]
    if len(set(skus)) != len(skus):
        raise ValueError("a SKU may appear only once per feed")
    header = {"sellerId": seller_id, "version": "2.0"}
    if issue_locale:
        header["issueLocale"] = issue_locale
    messages = [
        _quantity_message(n, update, operation) for n, update in enumerate(updates, 1)
    ]
    return {"header": header, "messages": messages}


def encode_json(document):
    """Feed document -> UTF-8 bytes for :data:`JSON_CONTENT_TYPE`."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class FeedIssue:
    """An issue of a listings feed processing report."""

    message_id: int | None  # None: about the whole feed
    sku: str | None
    code: str | None
    severity: str  # ERROR, WARNING, INFO
    message: str
    attribute_name: str | None = None


@dataclass(frozen=True)
class ListingsFeedReport:
    feed_id: str | None
    errors: int
    warnings: int
    messages_processed: int
    messages_accepted: int
    messages_invalid: int
    issues: tuple  # of FeedIssue
    items: tuple = ()  # raw Item dicts when the feed asked for a report

    def issues_for(self, message_id):
        return tuple(i for i in self.issues if i.message_id == message_id)

    @property
    def feed_errors(self):
        """ERROR issues not tied to a message (the whole feed failed)."""
        return tuple(
            i for i in self.issues if i.message_id is None and i.severity == "ERROR"
        )

    @property
    def invalid_message_ids(self):
        return frozenset(
            i.message_id
            for i in self.issues
            if i.message_id is not None and i.severity == "ERROR"
        )

    def accepted(self, message_id):
        """No ERROR for the message nor for the feed: Amazon applies it."""
        return not self.feed_errors and message_id not in self.invalid_message_ids


def _report_json(document):
    if isinstance(document, (bytes, bytearray)):
        try:
            document = document.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidResponse("processing report is not UTF-8") from None
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            raise InvalidResponse("processing report is not JSON") from None
    if not isinstance(document, dict):
        raise InvalidResponse("processing report is not an object")
    return document


def parse_listings_report(document):
    """JSON processing report (bytes, str or dict) -> :class:`ListingsFeedReport`."""
    report = _report_json(document)
    ctx = "listings feed report"
    header = v.mapping(report.get("header"), ctx, "header")
    summary = v.mapping(report.get("summary"), ctx, "summary")
    if "summary" not in report or "issues" not in report:
        raise InvalidResponse(f"{ctx}: no summary or issues")
    issues = []
    for raw in v.objects(report.get("issues"), ctx, "issues"):
        issues.append(
            FeedIssue(
                message_id=v.integer(raw.get("messageId"), ctx, "messageId"),
                sku=raw.get("sku"),
                code=raw.get("code"),
                severity=str(raw.get("severity") or "ERROR"),
                message=str(raw.get("message") or ""),
                attribute_name=raw.get("attributeName"),
            )
        )
    counts = {
        key: v.integer(summary.get(key), ctx, key) or 0
        for key in (
            "errors",
            "warnings",
            "messagesProcessed",
            "messagesAccepted",
            "messagesInvalid",
        )
    }
    return ListingsFeedReport(
        feed_id=header.get("feedId"),
        errors=counts["errors"],
        warnings=counts["warnings"],
        messages_processed=counts["messagesProcessed"],
        messages_accepted=counts["messagesAccepted"],
        messages_invalid=counts["messagesInvalid"],
        issues=tuple(issues),
        items=v.objects(report.get("items"), ctx, "items"),
    )


# -- XML processing report ----------------------------------------------------


@dataclass(frozen=True)
class XmlResult:
    """A ``<Result>``: only messages with an error or warning have one."""

    message_id: int  # 0 = the whole document (e.g. XML parse error)
    result_code: str  # Error, Warning
    message_code: str | None  # ResultMessageCode
    description: str
    additional_info: tuple = ()  # ((tag, text), ...), e.g. AmazonOrderID

    @property
    def is_error(self):
        return self.result_code.lower() == "error"


@dataclass(frozen=True)
class XmlProcessingReport:
    document_transaction_id: str | None  # the feed id
    status_code: str | None  # Complete
    messages_processed: int
    messages_successful: int
    messages_with_error: int
    messages_with_warning: int
    results: tuple  # of XmlResult

    def results_for(self, message_id):
        return tuple(r for r in self.results if r.message_id == message_id)

    @property
    def document_errors(self):
        return tuple(r for r in self.results if r.message_id == 0 and r.is_error)

    def succeeded(self, message_id):
        """No Error result for the message nor for the whole document."""
        if self.document_errors:
            return False
        return not any(r.is_error for r in self.results_for(message_id))


_FORBIDDEN_XML = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _child(element, name):
    return next((c for c in element if _local(c.tag) == name), None)


def _text_of(element, name):
    found = _child(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else None


def _count(element, name):
    text = _text_of(element, name)
    return v.integer(text, "processing report", name) or 0 if text else 0


def parse_xml_report(document):
    """XML ``ProcessingReport`` (bytes or str) -> :class:`XmlProcessingReport`.

    DOCTYPE/ENTITY declarations are refused (no entity expansion).
    """
    data = document.encode("utf-8") if isinstance(document, str) else bytes(document)
    if _FORBIDDEN_XML.search(data):
        raise InvalidResponse("processing report with DOCTYPE/ENTITY refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise InvalidResponse("processing report is not well-formed XML") from None
    report = next((e for e in root.iter() if _local(e.tag) == "ProcessingReport"), None)
    if report is None:
        raise InvalidResponse("XML document without ProcessingReport")
    summary = _child(report, "ProcessingSummary")
    results = []
    for result in (r for r in report if _local(r.tag) == "Result"):
        info = _child(result, "AdditionalInfo")
        results.append(
            XmlResult(
                message_id=v.integer(
                    _text_of(result, "MessageID") or "0", "processing report"
                ),
                result_code=_text_of(result, "ResultCode") or "Error",
                message_code=_text_of(result, "ResultMessageCode"),
                description=_text_of(result, "ResultDescription") or "",
                additional_info=tuple(
                    (_local(c.tag), (c.text or "").strip())
                    for c in (info if info is not None else ())
                ),
            )
        )
    return XmlProcessingReport(
        document_transaction_id=_text_of(report, "DocumentTransactionID"),
        status_code=_text_of(report, "StatusCode"),
        messages_processed=_count(summary, "MessagesProcessed"),
        messages_successful=_count(summary, "MessagesSuccessful"),
        messages_with_error=_count(summary, "MessagesWithError"),
        messages_with_warning=_count(summary, "MessagesWithWarning"),
        results=tuple(results),
    )


# -- UPLOAD_VAT_INVOICE -------------------------------------------------------

# "Amazon only accepts the following characters: commas, forward slashes,
# backslashes, spaces, dashes, underscores, semi colons, colons, 0-9, A-Z,
# a-z, #" (Option 3 "Manually upload invoices" page).
_INVOICE_CHARS = re.compile(r"^[A-Za-z0-9,/\\ _;:#-]+$")
DOCUMENT_TYPES = ("Invoice", "CreditNote")


def _amount(value, what):
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{what} is not a number") from None
    return str(amount.quantize(Decimal("0.01")))


def vat_invoice_options(
    *,
    invoice_number,
    order_id=None,
    shipping_id=None,
    total_amount=None,
    total_vat_amount=None,
    document_type="Invoice",
    transaction_id=None,
):
    """``feedOptions`` of one ``UPLOAD_VAT_INVOICE`` feed (one PDF, one market).

    Keys are sent lower case (Amazon's own texts mix cases; connectors in
    use send lower case). Amounts become 2-decimal strings. A credit note
    needs the refund's ``transaction_id``.
    """
    if not (order_id or shipping_id):
        raise ValueError("order_id or shipping_id is required")
    if document_type not in DOCUMENT_TYPES:
        raise ValueError("document_type must be Invoice or CreditNote")
    if document_type == "CreditNote" and not transaction_id:
        raise ValueError("a credit note needs the refund transaction_id")
    number = str(invoice_number or "").strip()
    if not number or not _INVOICE_CHARS.match(number):
        raise ValueError(
            "invoice number: only letters, digits, spaces and , / \\ - _ ; : #"
        )
    options = {
        "metadata:orderid": order_id,
        "metadata:shippingid": shipping_id,
        "metadata:invoicenumber": number,
        "metadata:totalamount": _amount(total_amount, "total_amount"),
        "metadata:totalvatamount": _amount(total_vat_amount, "total_vat_amount"),
        "metadata:documenttype": document_type,
        "metadata:transactionid": transaction_id,
    }
    return {key: str(value) for key, value in options.items() if value is not None}
