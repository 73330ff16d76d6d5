"""What the simulator does with each feed type's document, and the reports."""

import hashlib
import json
import re
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal

from .finances import item_parts
from .httpd import dumps
from .money import ZERO
from .schema import LISTINGS_FEED_DOCUMENT, strip_unknown
from .shipments import ShipmentError
from .timeutil import iso, parse_iso

MAX_BYTES = 10 * 1024 * 1024
JSON_TYPE = "application/json"
XML_TYPE = "text/xml; charset=UTF-8"
VAT_MARKETPLACES = {
    "A1RKKUPIHCS9HS",
    "A1F83G8C2ARO7P",
    "A13V1IB3VIYZZH",
    "A1PA6795UKMFR9",
    "APJ6JRA9NG5V4",
    "A1805IZSGTT6HS",
    "A1C3SOZRARQ6R3",
    "A2NODRKZP88ZB9",
}
INVOICE_CHARS = re.compile(r"^[,/\\ \-_;:0-9A-Za-z#]+$")
AMOUNT = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
BUYER_GROUPS = (
    "ProductCharges",
    "Shipping",
    "GiftWrap",
    "CODCharges",
    "Promotion",
    "Tax",
)
XML_PARSE = "5000"
XML_INVALID = "5001"
XML_INVALID_TEXT = (
    "We are unable to process the XML feed because one or more items are invalid. "
    "Please re-submit the feed."
)


class Processors:
    def __init__(self, sim):
        self.sim = sim
        self._lock = threading.Lock()
        self.invoices = []

    #: the next N listings feeds end FATAL (Sim.fail_listings_feeds)
    fatal_listings_feeds = 0

    def reset(self):
        with self._lock:
            self.invoices.clear()
            self.fatal_listings_feeds = 0

    def invoice_log(self, include_rejected=False):
        with self._lock:
            return [dict(i) for i in self.invoices if include_rejected or i["accepted"]]

    def run(self, job, data, end):
        """(status, result bytes or None, content type) for one feed."""
        kind = job["feedType"]
        if kind == "JSON_LISTINGS_FEED":
            return self.listings(job, data, end)
        if kind == "POST_ORDER_FULFILLMENT_DATA":
            return self.fulfilment(job, data, end)
        if kind == "UPLOAD_VAT_INVOICE":
            return self.vat_invoice(job, data, end)
        report = xml_report(
            self.sim.seller_id,
            job["id"],
            0,
            [("0", "Error", "90001", f"The feed type {kind} is not processed.", None)],
        )
        return "FATAL", report, XML_TYPE

    # -- JSON_LISTINGS_FEED ------------------------------------------------------
    def listings(self, job, data, end):
        seller = self.sim.seller_id
        report = {
            "header": {"sellerId": seller, "version": "2.0", "feedId": job["id"]},
            "issues": [],
            "summary": _summary(0, 0, 0),
        }
        doc, fatal = _parse_listings(data)
        problems = LISTINGS_FEED_DOCUMENT.problems(doc) if fatal is None else []
        strict = self.sim.strict_bodies
        ignorable = [p for p in problems if p.kind == "unknown" and not strict]
        problems = [p for p in problems if p not in ignorable]
        envelope = [p for p in problems if not _in_message(p)]
        if fatal is None and envelope:
            fatal = "; ".join(f"{p.dotted or 'document'} {p.message}" for p in envelope)
        if fatal is None and doc["header"]["sellerId"] != seller:
            fatal = "The sellerId in the feed header does not match the submitter."
        if fatal is None and self.fatal_listings_feeds > 0:
            self.fatal_listings_feeds -= 1
            fatal = "An internal error occurred while processing the feed."
        if fatal is not None:
            report["issues"].append(
                {"code": "4000000", "severity": "ERROR", "message": fatal}
            )
            report["summary"]["errors"] = 1
            return "FATAL", _json(report), JSON_TYPE
        doc = strip_unknown(doc, ignorable)
        if "report" in doc["header"]:
            report["header"]["report"] = doc["header"]["report"]
        by_message = {}
        for p in problems:
            by_message.setdefault(p.path[1], []).append(p)
        accepted_skus = self._listing_messages(doc, by_message, job, end, report)
        if "report" in doc["header"]:
            self._report_items(report, doc["header"]["report"], accepted_skus)
        return "DONE", _json(report), JSON_TYPE

    def _listing_messages(self, doc, by_message, job, end, report):
        listings = self.sim.listings_store
        seen, accepted = set(), []
        issues = report["issues"]
        counts = {"accepted": 0, "invalid": 0}
        for index, msg in enumerate(doc["messages"]):
            mid, sku = msg.get("messageId"), msg.get("sku")
            found = [_schema_issue(p) for p in by_message.get(index, ())]
            if isinstance(mid, int) and mid in seen:
                found.append(
                    {"code": "4000002", "severity": "ERROR",
                     "message": f"The messageId {mid} is not unique in this feed."}
                )  # fmt: skip
            seen.add(mid)
            if not found:
                result = listings.apply(
                    sku,
                    msg["operationType"],
                    msg.get("productType"),
                    patches=msg.get("patches"),
                    attributes=msg.get("attributes"),
                    source="JSON_LISTINGS_FEED",
                    stamp=end,
                    feed_id=job["id"],
                )
                found = [_report_issue(i) for i in result["issues"]]
            invalid = any(i["severity"] == "ERROR" for i in found)
            counts["invalid" if invalid else "accepted"] += 1
            if not invalid and isinstance(sku, str):
                accepted.append(sku)
            for issue in found:
                entry = {}
                if isinstance(mid, int) and mid >= 1:
                    entry["messageId"] = mid
                if isinstance(sku, str) and sku:
                    entry["sku"] = sku
                entry.update(issue)
                issues.append(entry)
        report["summary"] = _summary(
            len(doc["messages"]), counts["accepted"], counts["invalid"], issues
        )
        return accepted

    def _report_items(self, report, spec, skus):
        items, errors, warnings = [], 0, 0
        for sku in dict.fromkeys(skus):
            item = self.sim.listings_store.get(sku, spec["includedData"])
            if item is None:
                continue
            items.append(item)
            for issue in item.get("issues", []):
                errors += issue["severity"] == "ERROR"
                warnings += issue["severity"] == "WARNING"
        report["items"] = items
        report["summary"]["itemSummary"] = {
            "items": len(items),
            "errors": errors,
            "warnings": warnings,
        }

    # -- POST_ORDER_FULFILLMENT_DATA ------------------------------------------------
    def fulfilment(self, job, data, end):
        seller = self.sim.seller_id
        root, error = _parse_xml(data)
        if error is None:
            error = _envelope_error(root, "OrderFulfillment")
        if error is not None:
            report = xml_report(seller, job["id"], 0, [("0",) + error + (None,)])
            return "FATAL", report, XML_TYPE
        results, count, seen = [], 0, set()
        for message in _children(root, "Message"):
            count += 1
            mid = _text(message, "MessageID") or "0"
            entry = {
                "source": "POST_ORDER_FULFILLMENT_DATA",
                "feedId": job["id"],
                "messageId": mid,
            }
            try:
                if not mid.isdigit() or int(mid) < 1 or mid in seen:
                    raise ShipmentError(
                        "MessageID must be a unique positive integer.",
                        feed_code=XML_INVALID,
                    )
                seen.add(mid)
                node = _child(message, "OrderFulfillment")
                if node is None:
                    raise ShipmentError(XML_INVALID_TEXT, feed_code=XML_INVALID)
                order_id, shipment = self._shipment(node)
                entry["orderId"], entry["request"] = order_id, _xml_dict(node)
                entry["packageReferenceId"] = self.sim.shipments.apply(
                    order_id, shipment, stamp=end
                )
            except ShipmentError as exc:
                self.sim.shipments.record_feed(entry, exc)
                results.append(
                    (
                        mid,
                        "Error",
                        exc.feed_code,
                        exc.feed_message,
                        entry.get("orderId"),
                    )
                )
                continue
            self.sim.shipments.record_feed(entry, None)
        return "DONE", xml_report(seller, job["id"], count, results), XML_TYPE

    def _shipment(self, node):
        order_id = _text(node, "AmazonOrderID")
        if not order_id:
            merchant_id = _text(node, "MerchantOrderID")
            order_id = self._by_alias(merchant_id) if merchant_id else None
            if order_id is None:
                raise ShipmentError(
                    "Invalid OrderID or AmazonOrderID", feed_code="18028"
                )
        date = _text(node, "FulfillmentDate")
        try:
            parse_iso(date)
        except ValueError:
            raise ShipmentError(
                f"The FulfillmentDate '{date or ''}' is not a valid xsd:dateTime.",
                feed_code=XML_INVALID,
            ) from None
        data = _child(node, "FulfillmentData")
        items = None
        item_nodes = _children(node, "Item")
        if item_nodes:
            items = []
            for item in item_nodes:
                code = _text(item, "AmazonOrderItemCode") or _text(
                    item, "MerchantOrderItemID"
                )
                qty = _text(item, "Quantity")
                if qty is not None and not qty.isdigit():
                    raise ShipmentError(
                        f"Quantity '{qty}' is not a positive integer.",
                        feed_code=XML_INVALID,
                    )
                codes = [c.text for c in _children(item, "TransparencyCode") if c.text]
                items.append((code, int(qty) if qty else None, codes or None))
        return order_id, {
            "marketplaceId": None,
            "packageReferenceId": _text(node, "MerchantFulfillmentID"),
            "carrierCode": _text(data, "CarrierCode") if data is not None else None,
            "carrierName": _text(data, "CarrierName") if data is not None else None,
            "shippingMethod": _text(data, "ShippingMethod")
            if data is not None
            else None,
            "trackingNumber": _text(data, "ShipperTrackingNumber")
            if data is not None
            else None,
            "shipDate": date,
            "items": items,
            "requireTracking": False,
        }

    def _by_alias(self, merchant_id):
        for order in self.sim.store.orders():
            for alias in order.get("orderAliases", []):
                if alias.get("aliasId") == merchant_id:
                    return order["orderId"]
        return None

    # -- UPLOAD_VAT_INVOICE ----------------------------------------------------------
    def vat_invoice(self, job, data, end):
        meta = {}
        for key, value in job["feedOptions"].items():
            key = key.strip().lower()
            if key.startswith("metadata:"):
                meta[key[len("metadata:") :]] = str(value).strip()
        record = {
            "feedId": job["id"],
            "time": iso(end),
            "marketplaceId": job["marketplaceIds"][0]
            if job["marketplaceIds"]
            else None,
            "orderId": meta.get("orderid"),
            "shippingId": meta.get("shippingid"),
            "invoiceNumber": meta.get("invoicenumber"),
            "documentType": meta.get("documenttype", "Invoice"),
            "totalAmount": meta.get("totalamount"),
            "totalVatAmount": meta.get("totalvatamount"),
            "transactionId": meta.get("transactionid"),
            "feedOptions": dict(job["feedOptions"]),
            "size": len(data or b""),
            "sha256": hashlib.sha256(data or b"").hexdigest(),
            "pdf": data,
        }
        try:
            warnings = self._check_invoice(job, record, data)
            error = None
        except InvoiceError as exc:
            error, warnings = exc, []
        record["accepted"] = error is None
        record["error"] = (
            None
            if error is None
            else {"code": error.code, "name": error.name, "message": error.message}
        )
        record["warnings"] = [
            {"code": w.code, "name": w.name, "message": w.message} for w in warnings
        ]
        with self._lock:
            self.invoices.append(record)
        results = [
            (
                "1",
                "Warning" if e in warnings else "Error",
                e.code,
                e.message,
                record["orderId"],
            )
            for e in ([error] if error else []) + warnings
        ]
        return "DONE", xml_report(self.sim.seller_id, job["id"], 1, results), XML_TYPE

    def _check_invoice(self, job, rec, data):
        markets = job["marketplaceIds"]
        if len(markets) != 1 or markets[0] not in VAT_MARKETPLACES:
            raise InvoiceError("79523")
        if not rec["orderId"] and not rec["shippingId"]:
            raise InvoiceError("79513", missing="OrderId or ShippingId")
        doc_type = rec["documentType"]
        if doc_type.lower() not in ("invoice", "creditnote"):
            raise InvoiceError("79531", document_type=doc_type)
        credit = doc_type.lower() == "creditnote"
        rec["documentType"] = "CreditNote" if credit else "Invoice"
        missing = [] if rec["invoiceNumber"] else ["InvoiceNumber"]
        if credit and not rec["transactionId"]:
            missing.append("TransactionId")
        if missing:
            raise InvoiceError("79513", missing=", ".join(missing))
        refs = {
            "shipment": rec["shippingId"] or "",
            "order": rec["orderId"] or "",
            "number": rec["invoiceNumber"],
        }
        if not data:
            raise InvoiceError("79544" if credit else "79540", **refs)
        if not data.startswith(b"%PDF") or len(data) > MAX_BYTES:
            raise InvoiceError("79503", **refs)
        number = rec["invoiceNumber"]
        if not INVOICE_CHARS.match(number) or len(number) > 40:
            raise InvoiceError("79527", number=number)
        order = self._invoice_order(rec, credit)
        rec["orderId"] = order["orderId"]
        return self._check_amounts(rec, self._expected(order, rec, credit))

    def _invoice_order(self, rec, credit):
        order_id = rec["orderId"]
        if rec["shippingId"]:  # Amazon ignores the order id when both are given
            order_id = self.sim.finances.order_for_shipment(rec["shippingId"])
            if order_id is None:
                raise InvoiceError("79518", shipment=rec["shippingId"])
        order = self.sim.store.get(order_id)
        market = (order or {}).get("salesChannel", {}).get("marketplaceId")
        shipped = order is not None and any(
            (i.get("fulfillment") or {}).get("quantityFulfilled", 0) > 0
            for i in order.get("orderItems", [])
        )
        if order is None or market != rec["marketplaceId"] or not (shipped or credit):
            raise InvoiceError("79517", order=order_id)
        return order

    def _expected(self, order, rec, credit):
        """(total, VAT) Amazon expects: the order's charges for an invoice, the
        money returned to the buyer for a credit note."""
        prior = self.invoice_log()
        if not credit:
            # an order shipped in parts has one invoice per shipment: the
            # same invoice number twice is the duplicate
            for old in prior:
                if (
                    old["orderId"] == order["orderId"]
                    and old["documentType"] == "Invoice"
                    and old["invoiceNumber"] == rec["invoiceNumber"]
                ):
                    raise InvoiceError(
                        "79520",
                        what=f"invoice {rec['invoiceNumber']} of order "
                        f"{order['orderId']}",
                    )
            total = vat = ZERO
            for item in order.get("orderItems", []):
                parts = item_parts(item)
                total += sum(parts.values(), ZERO)
                vat += sum((v for (k, _), v in parts.items() if k == "TAX"), ZERO)
            return total, vat
        tx = self.sim.finances.refund(rec["transactionId"])
        if tx is None or tx["orderId"] != order["orderId"]:
            raise InvoiceError(
                "79545", transaction=rec["transactionId"], order=order["orderId"]
            )
        for old in prior:
            if old["transactionId"] == rec["transactionId"]:
                raise InvoiceError("79520", what=f"transaction {rec['transactionId']}")
        total = vat = ZERO
        for item in tx["body"]["items"]:
            for node in item["breakdowns"]:
                amount = node["breakdownAmount"]["currencyAmount"]
                if node["breakdownType"] in BUYER_GROUPS + ("RestockingFee",):
                    total -= amount
                if node["breakdownType"] == "Tax":
                    vat -= amount
        return total, vat

    @staticmethod
    def _check_amounts(rec, amounts):
        total, vat = amounts
        rec["expectedTotalAmount"] = str(total)
        rec["expectedTotalVatAmount"] = str(vat)
        warnings = []
        for key, name, expected in (
            ("totalAmount", "TotalAmount", total),
            ("totalVatAmount", "TotalVATAmount", vat),
        ):
            raw = rec[key]
            if raw is None:
                continue
            if not AMOUNT.match(raw):
                raise InvoiceError("79513", missing=f"a valid {name} (not '{raw}')")
            if Decimal(raw) == expected:
                continue
            code = "79522" if key == "totalAmount" else "79532"
            error = InvoiceError(code, field=name, value=raw, expected=expected)
            if key == "totalAmount":
                raise error
            warnings.append(error)
        return warnings


# code -> (name, description); 795xx codes Amazon documents, plus simulator ones
# (79518, 79520, 79522, 79527, 79532, 79545) where Amazon's are not published
INVOICE_ERRORS = {
    "79503": (
        "InvoiceFileIsNotPDF",
        "Invoice uploaded is not pdf for shipmentId {shipment}, orderId {order} "
        "and InvoiceNumber {number}",
    ),
    "79513": ("MissingRequestPreferences", "Provide {missing}"),
    "79517": (
        "InvalidOrderId",
        "The order id {order} does not exist, does not belong to the seller or its "
        "shipment has not yet been dispatched. Invoices uploaded before shipments "
        "are dispatched are rejected.",
    ),
    "79518": (
        "InvalidShippingId",
        "The shipping id {shipment} does not exist or does not belong to the seller.",
    ),
    "79520": (
        "InvoiceAlreadyUploaded",
        "A document has already been uploaded for {what}.",
    ),
    "79522": (
        "TotalAmountMismatch",
        "The {field} {value} does not match Amazon's amount {expected}.",
    ),
    "79523": (
        "MarketplaceIDInputError",
        "Provide only one valid marketplace while uploading an invoice.",
    ),
    "79527": (
        "InvalidInvoiceNumber",
        "The invoice number {number} contains characters that are not allowed.",
    ),
    "79531": (
        "InvalidDocumentType",
        "The document type {document_type} is not supported.",
    ),
    "79532": (
        "TotalVatAmountMismatch",
        "The {field} {value} does not match Amazon's amount {expected}.",
    ),
    "79540": (
        "NoFileUpload",
        "Invoice missing in feed submission. Please provide an invoice for "
        "shipmentId {shipment}, orderId {order} and invoiceNumber {number}",
    ),
    "79544": (
        "NoCreditNoteFileUpload",
        "Credit note missing in feed submission. Please provide a credit note for "
        "shipmentId {shipment}, orderId {order} and invoiceNumber {number}",
    ),
    "79545": (
        "InvalidTransactionId",
        "The transaction id {transaction} is not a refund of order {order}.",
    ),
}


class InvoiceError(Exception):
    def __init__(self, code, **values):
        self.code = code
        self.name, template = INVOICE_ERRORS[code]
        self.message = template.format(**values)
        super().__init__(self.message)


# -- helpers -----------------------------------------------------------------------
def _json(report):
    return dumps(report).encode()


def _summary(processed, accepted, invalid, issues=()):
    return {
        "errors": sum(i["severity"] == "ERROR" for i in issues),
        "warnings": sum(i["severity"] == "WARNING" for i in issues),
        "messagesProcessed": processed,
        "messagesAccepted": accepted,
        "messagesInvalid": invalid,
    }


def _parse_listings(data):
    if not data:
        return None, "The feed document is empty or was never uploaded."
    if len(data) > MAX_BYTES:
        return None, "The feed document exceeds the maximum size of 10 MiB."
    try:
        return json.loads(data.decode("utf-8-sig")), None
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"The feed document is not valid JSON: {exc}."


def _in_message(problem):
    p = problem.path
    return len(p) >= 2 and p[0] == "messages" and isinstance(p[1], int)


def _schema_issue(problem):
    field = ".".join(str(x) for x in problem.path[2:]) or "message"
    if problem.kind == "missing":
        return {
            "code": "90220",
            "severity": "ERROR",
            "message": f"'{field}' is required but not supplied.",
            "attributeName": field,
        }
    return {
        "code": "4000001",
        "severity": "ERROR",
        "message": f"'{field}' {problem.message}.",
        "attributeName": field,
    }


def _report_issue(issue):
    out = {
        "code": issue["code"],
        "severity": issue["severity"],
        "message": issue["message"],
    }
    if issue.get("attributeNames"):
        out["attributeName"] = issue["attributeNames"][0]
    return out


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _children(node, name):
    return [c for c in node if _local(c.tag) == name]


def _child(node, name):
    found = _children(node, name)
    return found[0] if found else None


def _text(node, name):
    child = _child(node, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _xml_dict(node):
    """An element as nested dicts/lists of text, for the confirmation log."""
    children = list(node)
    if not children:
        return (node.text or "").strip()
    out = {}
    for child in children:
        key, value = _local(child.tag), _xml_dict(child)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def _parse_xml(data):
    if not data:
        return None, (
            "Error",
            XML_PARSE,
            "The feed document is empty or was never uploaded.",
        )
    if len(data) > MAX_BYTES:
        return None, (
            "Error",
            XML_INVALID,
            "The feed document exceeds the maximum size of 10 MiB.",
        )
    try:
        return ET.fromstring(data), None
    except ET.ParseError as exc:
        line, column = exc.position
        return None, (
            "Error",
            XML_PARSE,
            f"XML Parsing Error at Line {line}, Column {column}: {exc}",
        )


def _envelope_error(root, message_type):
    if _local(root.tag) != "AmazonEnvelope":
        return (
            "Error",
            XML_INVALID,
            XML_INVALID_TEXT + " The root element must be AmazonEnvelope.",
        )
    header = _child(root, "Header")
    if (
        header is None
        or not _text(header, "MerchantIdentifier")
        or not _text(header, "DocumentVersion")
    ):
        return (
            "Error",
            XML_INVALID,
            XML_INVALID_TEXT
            + " Header/DocumentVersion and Header/MerchantIdentifier are required.",
        )
    if _text(root, "MessageType") != message_type:
        return (
            "Error",
            XML_INVALID,
            XML_INVALID_TEXT + f" MessageType must be {message_type}.",
        )
    if not _children(root, "Message"):
        return ("Error", XML_INVALID, XML_INVALID_TEXT + " The feed has no Message.")
    return None


def xml_report(seller, feed_id, processed, results):
    """An AmazonEnvelope ProcessingReport; ``results`` (message id, Error or
    Warning, code, description, order id or None)."""
    env = ET.Element("AmazonEnvelope", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
    })  # fmt: skip
    header = ET.SubElement(env, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.02"
    ET.SubElement(header, "MerchantIdentifier").text = seller
    ET.SubElement(env, "MessageType").text = "ProcessingReport"
    message = ET.SubElement(env, "Message")
    ET.SubElement(message, "MessageID").text = "1"
    report = ET.SubElement(message, "ProcessingReport")
    ET.SubElement(report, "DocumentTransactionID").text = feed_id
    ET.SubElement(report, "StatusCode").text = "Complete"
    failed = {r[0] for r in results if r[1] == "Error"}
    warned = {r[0] for r in results if r[1] == "Warning"} - failed
    summary = ET.SubElement(report, "ProcessingSummary")
    ok = max(0, processed - len(failed - {"0"}) - (processed if "0" in failed else 0))
    for name, value in (
        ("MessagesProcessed", processed),
        ("MessagesSuccessful", ok),
        ("MessagesWithError", len(failed - {"0"}) or (1 if "0" in failed else 0)),
        ("MessagesWithWarning", len(warned)),
    ):
        ET.SubElement(summary, name).text = str(value)
    for mid, code, number, description, order_id in results:
        result = ET.SubElement(report, "Result")
        ET.SubElement(result, "MessageID").text = mid
        ET.SubElement(result, "ResultCode").text = code
        ET.SubElement(result, "ResultMessageCode").text = number
        ET.SubElement(result, "ResultDescription").text = description
        if order_id:
            info = ET.SubElement(result, "AdditionalInfo")
            ET.SubElement(info, "AmazonOrderID").text = order_id
    return ET.tostring(env, encoding="UTF-8", xml_declaration=True)
