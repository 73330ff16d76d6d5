"""Listings Items API 2021-08-01: seeded listings, search, get and patch."""

import base64
import copy
import hashlib
import json
import random
import threading
import uuid
from decimal import Decimal

from .bodies import checked, json_body
from .catalogue import catalogue
from .constants import MARKETPLACES
from .lines import UNKNOWN_TITLES, local_price
from .orders_api import ApiError, get_list, invalid
from .schema import LISTINGS_PATCH
from .timeutil import iso, parse_iso

DAY = 86400
INCLUDED = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
PATCH_INCLUDED = ("identifiers", "issues")
IDENTIFIER_TYPES = (
    "ASIN",
    "EAN",
    "FNSKU",
    "GTIN",
    "ISBN",
    "JAN",
    "MINSAN",
    "SKU",
    "UPC",
)
SORT_KEYS = {"sku": "sku", "createdDate": "created", "lastUpdatedDate": "updated"}
MERCHANT = "DEFAULT"
AMAZON_CHANNEL = "AMAZON_EU"
PRODUCT_TYPES = {
    "THB": "DRINKING_CUP", "BRO": "STORAGE_BOX", "GIE": "WATERING_CAN",
    "KAF": "COFFEE", "TEE": "TEA", "HON": "HONEY", "KOB": "ABIS_BOOK",
    "KIS": "PILLOW", "HAN": "TOWEL", "LED": "LIGHT_BULB", "WER": "TOOL_KIT",
    "AKS": "DRILL", "FAH": "BICYCLE_LOCK", "RUC": "BACKPACK",
    "TRI": "BOTTLE", "SOC": "SOCKS", "SPI": "TOY_FIGURE", "PUZ": "PUZZLES",
    "NOT": "NOTEBOOK", "KUG": "WRITING_INSTRUMENT", "HUN": "PET_FOOD",
    "SAA": "PLANT_SEED", "GEW": "SPICE_GRINDER", "PFA": "COOKWARE",
    "MES": "KITCHEN_KNIFE", "SCH": "KITCHEN", "ZEI": "TIMER",
    "VER": "ELECTRIC_CORD", "BET": "BED_LINEN_SET", "DUF": "CANDLE",
    "MUE": "BREAKFAST_CEREAL", "SPU": "CLEANING_BRUSH", "ZEL": "TENT_STAKE",
    "SPA": "KITCHEN",
}  # fmt: skip
# listings whose SKU is not in the catalogue ("listings without product")
UNKNOWN_LISTINGS = ("ALT-L0001", "ALT-L0002", "ALT-L0003")
WARNING_ISSUE = {
    "code": "18448",
    "message": "Attributes tagged as relevant_attributes are incomplete. Provide "
    "values for the following attribute(s): item_weight, item_dimensions",
    "severity": "WARNING",
    "attributeNames": ["item_dimensions", "item_weight"],
    "categories": ["MISSING_ATTRIBUTE"],
}
ERROR_ISSUE = {
    "code": "18027",
    "message": "We believe the main image has text, logo, graphic or watermark "
    "which is not permitted for this product type. Please submit a compliant "
    "image to lift the suppression.",
    "severity": "ERROR",
    "categories": ["INVALID_IMAGE"],
    "enforcements": {
        "actions": [{"action": "SEARCH_SUPPRESSED"}],
        "exemption": {"status": "NOT_EXEMPT"},
    },
}


class Listings:
    """Thread-safe listings keyed by SKU, seeded from the generator catalogue."""

    def __init__(self, clock, seller_id, marketplaces, seed=True, unknown_sku="accept"):
        if unknown_sku not in ("accept", "invalid"):
            raise ValueError("unknown_sku must be 'accept' or 'invalid'")
        self.clock = clock
        self.seller_id = seller_id
        self.marketplaces = tuple(marketplaces)
        self.seed = seed
        self.unknown_sku = unknown_sku
        self._lock = threading.Lock()
        self.items = {}
        self.submissions = []

    # -- state ---------------------------------------------------------------
    def reset(self):
        with self._lock:
            self.items = seed_listings(self.clock()) if self.seed else {}
            self.submissions = []

    def all(self):
        with self._lock:
            return [self.render(row, INCLUDED) for row in self._sorted()]

    def get(self, sku, included=INCLUDED):
        with self._lock:
            row = self.items.get(sku)
            return None if row is None else self.render(row, included)

    def set_quantity(self, sku, quantity, channel=MERCHANT):
        """Change the quantity Amazon holds, as Seller Central (or FBA) would."""
        if not isinstance(quantity, int) or quantity < 0:
            raise ValueError("quantity must be a non-negative integer")
        with self._lock:
            row = self.items.get(sku)
            if row is None:
                raise KeyError(sku)
            row["channels"][channel] = quantity
            row["updated"] = self.clock()
            return self.render(row, INCLUDED)

    def add(self, sku, **fields):
        """Add a listing (``title``, ``asin``, ``product_type``, ``quantity``,
        ``amazon_quantity`` ...); returns it rendered."""
        row = _row(
            sku,
            fields.get("asin") or "B0" + hashlib.sha1(sku.encode()).hexdigest()[:8],
            fields.get("title", sku),
            Decimal(str(fields.get("price", "9.99"))),
            fields.get("ean"),
            fields.get("product_type", "PRODUCT"),
            self.clock(),
        )
        if fields.get("quantity") is not None:
            row["channels"][MERCHANT] = int(fields["quantity"])
        if fields.get("amazon_quantity") is not None:
            row["channels"][AMAZON_CHANNEL] = int(fields["amazon_quantity"])
        if not row["channels"]:
            row["channels"][MERCHANT] = 0
        with self._lock:
            self.items[sku] = row
            return self.render(row, INCLUDED)

    def rows(self):
        """Copies of the internal listing rows, sorted by SKU (for reports)."""
        with self._lock:
            return copy.deepcopy(self._sorted())

    def submission_log(self):
        with self._lock:
            return copy.deepcopy(self.submissions)

    def _sorted(self):
        return sorted(self.items.values(), key=lambda r: r["sku"])

    # -- rendering -------------------------------------------------------------
    def render(self, row, included, marketplaces=None):
        markets = [m for m in (marketplaces or self.marketplaces)]
        ids = [MARKETPLACES[m][0] for m in markets]
        item = {"sku": row["sku"]}
        if "summaries" in included:
            item["summaries"] = [_summary(row, mid) for mid in ids]
        if "attributes" in included:
            item["attributes"] = _attributes(row, markets)
        if "issues" in included:
            item["issues"] = [dict(i, marketplaceIds=list(ids)) for i in row["issues"]]
        if "offers" in included:
            item["offers"] = [_offer(row, m) for m in markets]
        if "fulfillmentAvailability" in included:
            item["fulfillmentAvailability"] = [
                {"fulfillmentChannelCode": code, "quantity": qty}
                for code, qty in sorted(row["channels"].items())
            ]
        if "relationships" in included:
            item["relationships"] = [
                {"marketplaceId": mid, "relationships": []} for mid in ids
            ]
        if "productTypes" in included:
            item["productTypes"] = [
                {"marketplaceId": mid, "productType": row["productType"]} for mid in ids
            ]
        return item

    # -- API -----------------------------------------------------------------
    def _markets(self, params, single=False):
        ids = get_list(params, "marketplaceIds")
        if not ids:
            raise invalid("Missing required parameter marketplaceIds.")
        by_id = {MARKETPLACES[m][0]: m for m in self.marketplaces}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise invalid(f"Invalid marketplaceIds: {', '.join(unknown)}.")
        if single and len(ids) > 1:
            raise invalid("Only one marketplaceId is supported.")
        return [by_id[i] for i in ids]

    def _seller(self, seller_id):
        if seller_id != self.seller_id:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The sellerId does not match the selling partner of the token.",
            )

    def get_item(self, seller_id, sku, params):
        self._seller(seller_id)
        markets = self._markets(params)
        included = get_list(params, "includedData", INCLUDED) or ["summaries"]
        with self._lock:
            row = self.items.get(sku)
            if row is None:
                raise ApiError(404, "NOT_FOUND", f"Requested item '{sku}' not found")
            return self.render(row, included, markets)

    def search(self, seller_id, params):
        self._seller(seller_id)
        markets = self._markets(params)
        included = get_list(params, "includedData", INCLUDED) or ["summaries"]
        filters = _search_filters(params)
        size = _page_size(params)
        offset = _read_token(_one(params, "pageToken"), filters["hash"])
        with self._lock:
            rows = [r for r in self.items.values() if _matches(r, filters)]
            key = SORT_KEYS[filters["sortBy"]]
            rows.sort(key=lambda r: (r[key], r["sku"]))
            if filters["sortOrder"] == "DESC":
                rows.reverse()
            total = len(rows)
            rows = rows[:1000]
            page = [
                self.render(r, included, markets) for r in rows[offset : offset + size]
            ]
        body = {"numberOfResults": total, "items": page}
        pagination = {}
        if offset + size < len(rows):
            pagination["nextToken"] = _make_token(offset + size, filters["hash"])
        if offset > 0:
            pagination["previousToken"] = _make_token(
                max(0, offset - size), filters["hash"]
            )
        if pagination:
            body["pagination"] = pagination
        return body

    def patch(self, seller_id, sku, params, request, strict=False, stamp=None):
        """patchListingsItem: ``ListingsItemSubmissionResponse``."""
        self._seller(seller_id)
        self._markets(params)
        included = get_list(params, "includedData", PATCH_INCLUDED) or ["issues"]
        mode = _one(params, "mode")
        if mode not in (None, "VALIDATION_PREVIEW"):
            raise invalid(f"Invalid value for mode: {mode}.")
        body, ignored = checked(LISTINGS_PATCH, json_body(request), strict)
        result = self.apply(
            sku,
            "PATCH",
            body["productType"],
            body["patches"],
            source="patchListingsItem",
            preview=mode is not None,
            stamp=stamp,
            ignored=ignored,
        )
        response = {
            "sku": sku,
            "status": result["status"],
            "submissionId": result["submissionId"],
        }
        if "issues" in included:
            response["issues"] = result["issues"]
        if "identifiers" in included and result["asin"]:
            response["identifiers"] = [
                {"marketplaceId": MARKETPLACES[m][0], "asin": result["asin"]}
                for m in self.marketplaces
            ]
        return response

    # -- shared by the API and JSON_LISTINGS_FEED ------------------------------
    def apply(
        self,
        sku,
        operation,
        product_type,
        patches=None,
        attributes=None,
        source="patchListingsItem",
        preview=False,
        stamp=None,
        ignored=(),
        feed_id=None,
    ):
        """Validate and apply one submission; returns status, issues, asin."""
        now = self.clock() if stamp is None else stamp
        with self._lock:
            row = self.items.get(sku)
            issues = self._issues(
                row, sku, operation, product_type, patches, attributes
            )
            errors = [i for i in issues if i["severity"] == "ERROR"]
            if errors:
                status = "INVALID"
            elif preview:
                status = "VALID"
            else:
                status = "ACCEPTED"
                row = self._commit(
                    row, sku, operation, product_type, patches, attributes, now
                )
            entry = {
                "time": iso(now),
                "source": source,
                "feedId": feed_id,
                "sku": sku,
                "operationType": operation,
                "productType": product_type,
                "patches": copy.deepcopy(patches),
                "attributes": copy.deepcopy(attributes),
                "ignoredFields": list(ignored),
                "status": status,
                "issues": copy.deepcopy(issues),
            }
            entry["submissionId"] = uuid.uuid4().hex
            self.submissions.append(entry)
            return {
                "status": status,
                "issues": issues,
                "submissionId": entry["submissionId"],
                "asin": row["asin"] if row else None,
            }

    def _issues(self, row, sku, operation, product_type, patches, attributes):
        issues = []
        if operation != "DELETE" and not (product_type or "").strip():
            issues.append(
                _issue(
                    "90220",
                    "'productType' is required but not supplied.",
                    "productType",
                    "MISSING_ATTRIBUTE",
                )
            )
        if row is None and operation in ("PATCH", "PARTIAL_UPDATE", "DELETE"):
            if self.unknown_sku == "invalid" or operation == "DELETE":
                issues.append(
                    _issue(
                        "4000001",
                        f"The SKU '{sku}' does not match any listing of this seller.",
                        None,
                        "INVALID_ATTRIBUTE",
                    )
                )
        values = _availability_values(operation, patches, attributes)
        for value in values:
            issues.extend(_availability_issues(value, row))
        return issues

    def _commit(self, row, sku, operation, product_type, patches, attributes, now):
        if operation == "DELETE":
            self.items.pop(sku, None)
            return row
        if row is None:
            if operation in ("PATCH", "PARTIAL_UPDATE"):
                return None  # Amazon accepts offer-only data for unknown SKUs
            row = _row(sku, None, sku, Decimal("0.00"), None, product_type, now)
            self.items[sku] = row
        if operation == "UPDATE":
            row["extra"] = {}
            row["channels"] = {
                k: v for k, v in row["channels"].items() if k != MERCHANT
            }
        changes = []
        if attributes:
            changes = [
                ("replace", "/attributes/" + k, v) for k, v in attributes.items()
            ]
        for patch in patches or ():
            changes.append((patch["op"], patch["path"], patch.get("value")))
        for op, path, value in changes:
            _change(row, op, path, value)
        row["productType"] = product_type or row["productType"]
        row["updated"] = now
        return row


def _change(row, op, path, value):
    name = path.rsplit("/", 1)[-1]
    if name == "fulfillment_availability":
        if op == "delete":
            row["channels"].pop(MERCHANT, None)
            return
        if op in ("add", "replace"):
            # the attribute is replaced as a whole: channels not named go (on
            # a listing sold both ways, a replace with DEFAULT only would end
            # its FBA offer; "merge" keeps them)
            named = {e.get("fulfillment_channel_code") for e in value or ()}
            for channel in [c for c in row["channels"] if c not in named]:
                row["channels"].pop(channel)
        for entry in value or ():
            if entry.get("fulfillment_channel_code") == MERCHANT:
                quantity = entry.get("quantity")
                if quantity is None:
                    quantity = row["channels"].get(MERCHANT, 0)
                row["channels"][MERCHANT] = quantity
        return
    if name == "item_name" and value and op != "delete":
        row["title"] = value[0].get("value", row["title"])
    if op == "delete":
        row["extra"].pop(name, None)
    else:
        row["extra"][name] = copy.deepcopy(value)


def _availability_values(operation, patches, attributes):
    if operation == "DELETE":
        return []
    values = []
    for patch in patches or ():
        if (
            patch["path"].endswith("/fulfillment_availability")
            and patch["op"] != "delete"
        ):
            values.extend(patch.get("value") or [])
    if attributes and "fulfillment_availability" in attributes:
        values.extend(attributes["fulfillment_availability"] or [])
    return values


def _availability_issues(value, row):
    code = value.get("fulfillment_channel_code")
    if not code:
        return [
            _issue(
                "99022",
                "The field 'fulfillment_channel_code' for the attribute "
                "'fulfillment_availability' does not have enough values. The "
                "required minimum is '1' value(s).",
                "fulfillment_availability",
                "MISSING_ATTRIBUTE",
            )
        ]
    if code != MERCHANT:
        return [
            _issue(
                "90000900",
                f"The fulfillment channel '{code}' is managed by Amazon; sellers "
                "can only set the quantity of the 'DEFAULT' channel.",
                "fulfillment_availability",
                "INVALID_ATTRIBUTE",
            )
        ]
    quantity = value.get("quantity")
    if quantity is not None and (
        not isinstance(quantity, int) or isinstance(quantity, bool)
    ):
        return [
            _issue(
                "90000900",
                f"The value '{quantity}' for 'quantity' of the attribute "
                "'fulfillment_availability' is not an integer.",
                "fulfillment_availability",
                "INVALID_ATTRIBUTE",
            )
        ]
    if quantity is not None and quantity < 0:
        return [
            _issue(
                "90004114",
                f"Value '{quantity}' for 'quantity' of the attribute "
                "'fulfillment_availability' is lesser than the required minimum "
                "'0'.",
                "fulfillment_availability",
                "INVALID_ATTRIBUTE",
            )
        ]
    return []


def _issue(code, message, attribute, category):
    issue = {"code": code, "message": message, "severity": "ERROR"}
    if attribute:
        issue["attributeNames"] = [attribute]
    issue["categories"] = [category]
    return issue


# -- seed ---------------------------------------------------------------------
def _row(sku, asin, title, price, ean, product_type, created):
    digest = hashlib.sha1(sku.encode()).hexdigest().upper()
    return {
        "sku": sku,
        "listingId": digest[:4] + "M" + digest[4:10],
        "asin": asin,
        "title": title,
        "price": price,
        "ean": ean,
        "productType": product_type,
        "channels": {},
        "fnsku": None,
        "issues": [],
        "status": ["BUYABLE", "DISCOVERABLE"],
        "created": created,
        "updated": created,
        "extra": {},
    }


def seed_listings(now):
    """Catalogue listings: ~70 % merchant-fulfilled, ~15 % FBA only, ~15 % both,
    plus ``UNKNOWN_LISTINGS`` (SKUs not in the catalogue). Deterministic."""
    rng = random.Random(20260201)
    base = int(now // DAY * DAY) - 120 * DAY
    items = {}
    for n, product in enumerate(catalogue()):
        stem = product["sku"].split("-")[1]
        created = base + rng.randrange(60 * DAY)
        row = _row(
            product["sku"],
            product["asin"],
            product["title"],
            Decimal(product["price"]),
            product["ean"],
            PRODUCT_TYPES.get(stem, "PRODUCT"),
            created,
        )
        row["updated"] = created + rng.randrange(30 * DAY)
        draw = rng.random()
        if draw < 0.85 or n == 0:
            row["channels"][MERCHANT] = rng.choice((0, 3, 5, 12, 25, 40, 100))
        if draw >= 0.70 and n != 0:
            row["channels"][AMAZON_CHANNEL] = rng.randrange(0, 250)
            row["fnsku"] = (
                "X00" + hashlib.sha1(product["sku"].encode()).hexdigest()[:7].upper()
            )
        if rng.random() < 0.2:
            row["issues"].append(dict(WARNING_ISSUE))
        if n % 17 == 5:
            row["issues"].append(copy.deepcopy(ERROR_ISSUE))
            row["status"] = ["BUYABLE"]
        items[row["sku"]] = row
    for i, sku in enumerate(UNKNOWN_LISTINGS):
        row = _row(
            sku,
            f"B0UNKNOWN{i + 1}",
            UNKNOWN_TITLES[i % len(UNKNOWN_TITLES)],
            Decimal(f"{9 + 5 * i}.90"),
            None,
            "PRODUCT",
            base + i * DAY,
        )
        row["channels"][MERCHANT] = 4 + i
        items[sku] = row
    return items


def _summary(row, mid):
    summary = {"marketplaceId": mid}
    if row["asin"]:
        summary["asin"] = row["asin"]
    summary["productType"] = row["productType"]
    summary["conditionType"] = "new_new"
    summary["status"] = list(row["status"])
    if row["fnsku"]:
        summary["fnSku"] = row["fnsku"]
    summary["itemName"] = row["title"]
    summary["createdDate"] = iso(row["created"])
    summary["lastUpdatedDate"] = iso(row["updated"])
    if row["asin"]:
        summary["mainImage"] = {
            "link": f"https://m.media-amazon.com/images/I/{row['asin']}.jpg",
            "height": 500,
            "width": 500,
        }
    return summary


def _offer(row, market):
    currency = MARKETPLACES[market][3]
    return {
        "marketplaceId": MARKETPLACES[market][0],
        "offerType": "B2C",
        "price": {
            "currencyCode": currency,
            "amount": str(local_price(row["price"], currency)),
        },
        "audience": {"value": "ALL", "displayName": "Sell on Amazon"},
    }


def _attributes(row, markets):
    attrs = {}
    per_market = []
    for m in markets:
        mid, lang = MARKETPLACES[m][0], MARKETPLACES[m][4]
        per_market.append((mid, lang, MARKETPLACES[m][3]))
    attrs["item_name"] = [
        {"value": row["title"], "language_tag": lang, "marketplace_id": mid}
        for mid, lang, _ in per_market
    ]
    attrs["condition_type"] = [
        {"value": "new_new", "marketplace_id": mid} for mid, _, _ in per_market
    ]
    if row["ean"]:
        attrs["externally_assigned_product_identifier"] = [
            {"type": "ean", "value": row["ean"], "marketplace_id": mid}
            for mid, _, _ in per_market
        ]
    if row["asin"]:
        attrs["merchant_suggested_asin"] = [
            {"value": row["asin"], "marketplace_id": mid} for mid, _, _ in per_market
        ]
    attrs["purchasable_offer"] = [
        {
            "currency": cur,
            "audience": "ALL",
            "our_price": [
                {"schedule": [{"value_with_tax": local_price(row["price"], cur)}]}
            ],
            "marketplace_id": mid,
        }
        for mid, _, cur in per_market
    ]
    attrs["fulfillment_availability"] = [
        {"fulfillment_channel_code": code, "quantity": qty}
        if code == MERCHANT
        else {"fulfillment_channel_code": code}
        for code, qty in sorted(row["channels"].items())
    ]
    attrs.update(copy.deepcopy(row["extra"]))
    return attrs


# -- search helpers -------------------------------------------------------------
def _one(params, name):
    values = params.get(name)
    return values[-1] if values else None


def _date(params, name):
    value = _one(params, name)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid(f"Invalid date-time value for {name}.") from None


def _search_filters(params):
    identifiers = get_list(params, "identifiers")
    id_type = _one(params, "identifiersType")
    if bool(identifiers) != bool(id_type):
        raise invalid("identifiers and identifiersType must be provided together.")
    if id_type and id_type not in IDENTIFIER_TYPES:
        raise invalid(f"Invalid value for identifiersType: {id_type}.")
    if len(identifiers) > 20:
        raise invalid("identifiers accepts at most 20 values.")
    exclusive = [
        n for n in ("variationParentSku", "packageHierarchySku") if _one(params, n)
    ]
    if len(exclusive) + bool(identifiers) > 1:
        raise invalid(
            "Only one of identifiers, variationParentSku and packageHierarchySku "
            "can be provided."
        )
    sort_by = _one(params, "sortBy") or "lastUpdatedDate"
    sort_order = _one(params, "sortOrder") or "DESC"
    if sort_by not in SORT_KEYS:
        raise invalid(f"Invalid value for sortBy: {sort_by}.")
    if sort_order not in ("ASC", "DESC"):
        raise invalid(f"Invalid value for sortOrder: {sort_order}.")
    filters = {
        "identifiers": set(identifiers),
        "identifiersType": id_type,
        "family": bool(exclusive),
        "createdAfter": _date(params, "createdAfter"),
        "createdBefore": _date(params, "createdBefore"),
        "lastUpdatedAfter": _date(params, "lastUpdatedAfter"),
        "lastUpdatedBefore": _date(params, "lastUpdatedBefore"),
        "severity": set(get_list(params, "withIssueSeverity", ("WARNING", "ERROR"))),
        "withStatus": set(get_list(params, "withStatus", ("BUYABLE", "DISCOVERABLE"))),
        "withoutStatus": set(
            get_list(params, "withoutStatus", ("BUYABLE", "DISCOVERABLE"))
        ),
        "sortBy": sort_by,
        "sortOrder": sort_order,
    }
    raw = {k: sorted(v) if isinstance(v, set) else v for k, v in filters.items()}
    raw["marketplaceIds"] = sorted(get_list(params, "marketplaceIds"))
    raw["includedData"] = sorted(get_list(params, "includedData"))
    raw["pageSize"] = _one(params, "pageSize")
    filters["hash"] = hashlib.sha256(
        json.dumps(raw, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return filters


def _identifier_matches(row, id_type, values):
    if id_type == "SKU":
        return row["sku"] in values
    if id_type == "ASIN":
        return row["asin"] in values
    if id_type in ("EAN", "GTIN"):
        return row["ean"] in values
    if id_type == "FNSKU":
        return row["fnsku"] in values
    return False


def _matches(row, f):
    if f["family"]:
        return False
    if f["identifiers"] and not _identifier_matches(
        row, f["identifiersType"], f["identifiers"]
    ):
        return False
    bounds = (
        ("created", f["createdAfter"], f["createdBefore"]),
        ("updated", f["lastUpdatedAfter"], f["lastUpdatedBefore"]),
    )
    for key, low, high in bounds:
        if (low is not None and row[key] < low) or (
            high is not None and row[key] > high
        ):
            return False
    if f["severity"] and not {i["severity"] for i in row["issues"]} & f["severity"]:
        return False
    if f["withStatus"] and not f["withStatus"] <= set(row["status"]):
        return False
    return not (f["withoutStatus"] and f["withoutStatus"] & set(row["status"]))


def _page_size(params):
    raw = _one(params, "pageSize")
    if raw is None:
        return 10
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= 20:
        raise invalid("pageSize must be between 1 and 20.")
    return size


def _make_token(offset, filter_hash):
    data = json.dumps({"o": offset, "h": filter_hash}).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _read_token(token, filter_hash):
    if not token:
        return 0
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(payload["o"])
    except (ValueError, KeyError, TypeError):
        raise invalid("Invalid pageToken.") from None
    if payload.get("h") != filter_hash:
        raise invalid(
            "pageToken can only be used with the parameters that returned it."
        )
    return offset
