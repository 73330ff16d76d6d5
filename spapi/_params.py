"""Request parameters and response shapes of the operations used."""

from datetime import datetime, timezone
from typing import NamedTuple

from .const import DATE_FORMAT
from .errors import InvalidResponse

_SELLERS_OP = "getMarketplaceParticipations"
DEFAULT_INCLUDED = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "FULFILLMENT",
    "CANCELLATION",
    "TAX",
    "PACKAGES",
)


class SearchPage(NamedTuple):
    """One page of searchOrders: raw order dicts plus pagination data."""

    orders: list
    next_token: str | None
    last_updated_before: str | None
    created_before: str | None


def format_date(value):
    """UTC ``%Y-%m-%dT%H:%M:%SZ``; naive datetimes are taken as UTC."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        raise TypeError(f"expected datetime or str, got {type(value).__name__}")
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime(DATE_FORMAT)


def _as_list(value):
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def search_params(
    marketplace_ids,
    *,
    last_updated_after=None,
    created_after=None,
    before=None,
    fulfillment_statuses=None,
    fulfilled_by=None,
    included_data=DEFAULT_INCLUDED,
    max_results=100,
):
    """Query parameters of searchOrders (repeated on every page)."""
    if (last_updated_after is None) == (created_after is None):
        raise ValueError("give exactly one of last_updated_after / created_after")
    if not marketplace_ids:
        raise ValueError("marketplace_ids must not be empty")
    params = {"marketplaceIds": _as_list(marketplace_ids)}
    if last_updated_after is not None:
        params["lastUpdatedAfter"] = format_date(last_updated_after)
        if before is not None:
            params["lastUpdatedBefore"] = format_date(before)
    else:
        params["createdAfter"] = format_date(created_after)
        if before is not None:
            params["createdBefore"] = format_date(before)
    optional = {
        "fulfillmentStatuses": _as_list(fulfillment_statuses),
        "fulfilledBy": _as_list(fulfilled_by),
        "includedData": _as_list(included_data),
    }
    params.update({k: v for k, v in optional.items() if v})
    params["maxResultsPerPage"] = max(1, min(int(max_results), 100))
    return params


def search_page(response):
    """Library ``ApiResponse`` of searchOrders -> :class:`SearchPage`."""
    payload = response.payload
    orders = payload.get("orders") if isinstance(payload, dict) else None
    if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
        raise InvalidResponse(
            "searchOrders answer without an orders list", operation="searchOrders"
        )
    pagination = response.pagination or {}
    if not isinstance(pagination, dict):
        raise InvalidResponse(
            "searchOrders pagination is not an object", operation="searchOrders"
        )
    return SearchPage(
        orders=orders,
        next_token=pagination.get("nextToken") or None,
        last_updated_before=payload.get("lastUpdatedBefore"),
        created_before=payload.get("createdBefore"),
    )


def order_payload(response, order_id):
    payload = response.payload
    order = payload.get("order") if isinstance(payload, dict) else None
    if not isinstance(order, dict) or not order.get("orderId"):
        raise InvalidResponse(
            f"getOrder answer without order for {order_id}", operation="getOrder"
        )
    return order


def participations(response):
    """getMarketplaceParticipations payload -> list of flat dicts."""
    payload = response.payload
    if payload == {}:  # the library turns ``"payload": []`` into ``{}``
        payload = []
    if not isinstance(payload, list):
        raise InvalidResponse(
            "getMarketplaceParticipations payload is not a list", operation=_SELLERS_OP
        )
    result = []
    for entry in payload:
        market = entry.get("marketplace") if isinstance(entry, dict) else None
        if not isinstance(market, dict) or not market.get("id"):
            raise InvalidResponse(
                "marketplace participation without marketplace", operation=_SELLERS_OP
            )
        participation = entry.get("participation") or {}
        result.append(
            {
                "marketplace_id": market["id"],
                "country_code": market.get("countryCode"),
                "name": market.get("name"),
                "currency": market.get("defaultCurrencyCode"),
                "language": market.get("defaultLanguageCode"),
                "domain": market.get("domainName"),
                "participating": bool(participation.get("isParticipating")),
                "has_suspended_listings": bool(
                    participation.get("hasSuspendedListings")
                ),
                "store_name": entry.get("storeName"),
            }
        )
    return result


# -- shared checks ------------------------------------------------------------


def required_id(value, what):
    """A non-empty identifier string, stripped, or ``ValueError``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value.strip()


def required_field(body, key, operation):
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise InvalidResponse(f"{operation} answer without {key}", operation=operation)
    return value


def id_list(values, what, maximum=None):
    """Identifiers as a list (a single string is one identifier)."""
    items = _as_list(values) or []
    items = [required_id(v, what) for v in items]
    if not items:
        raise ValueError(f"{what} ids must not be empty")
    if maximum is not None and len(items) > maximum:
        raise ValueError(f"at most {maximum} {what} ids")
    return items


def csv(values):
    """Comma-joined list parameter (the models' ``collectionFormat: csv``)."""
    items = _as_list(values)
    return ",".join(str(v) for v in items) if items else None


def string_map(options, what):
    """Feed/report options: the models want ``{str: str}``."""
    if not options:
        return None
    if not isinstance(options, dict):
        raise ValueError(f"{what} must be a dict")
    result = {}
    for key, value in options.items():
        if not isinstance(key, str) or not key or value is None:
            raise ValueError(f"{what}: keys must be strings and values set")
        if isinstance(value, bool):
            value = "true" if value else "false"
        result[key] = str(value)
    return result


# -- Feeds, Reports -----------------------------------------------------------


def feed_spec(feed_type, marketplace_ids, document_id, feed_options=None):
    """``CreateFeedSpecification`` body (feeds_2021-06-30.json)."""
    body = {
        "feedType": required_id(feed_type, "feed type"),
        "marketplaceIds": id_list(marketplace_ids, "marketplace", maximum=25),
        "inputFeedDocumentId": required_id(document_id, "feed document id"),
    }
    options = string_map(feed_options, "feed_options")
    if options:
        body["feedOptions"] = options
    return body


def report_spec(report_type, marketplace_ids, start=None, end=None, options=None):
    """``CreateReportSpecification`` body (reports_2021-06-30.json)."""
    body = {
        "reportType": required_id(report_type, "report type"),
        "marketplaceIds": id_list(marketplace_ids, "marketplace", maximum=25),
    }
    if start is not None:
        body["dataStartTime"] = format_date(start)
    if end is not None:
        body["dataEndTime"] = format_date(end)
    options = string_map(options, "report_options")
    if options:
        body["reportOptions"] = options
    return body


# -- Listings Items -----------------------------------------------------------

LISTINGS_PAGE_SIZE_MAX = 20
PATCH_OPS = frozenset({"add", "replace", "merge", "delete"})


def listings_item_params(marketplace_ids, included_data, issue_locale=None):
    return {
        "marketplaceIds": csv(id_list(marketplace_ids, "marketplace")),
        "includedData": csv(included_data),
        "issueLocale": issue_locale,
    }


def listings_search_params(
    marketplace_ids,
    *,
    included_data,
    page_size,
    identifiers=None,
    identifiers_type=None,
    with_status=None,
    without_status=None,
    with_issue_severity=None,
    last_updated_after=None,
    issue_locale=None,
    created_after=None,
    sort_by=None,
    sort_order=None,
):
    """Query of searchListingsItems (repeated with every ``pageToken``)."""
    if sort_by not in (None, "sku", "createdDate", "lastUpdatedDate"):
        raise ValueError("sort_by is sku, createdDate or lastUpdatedDate")
    if sort_order not in (None, "ASC", "DESC"):
        raise ValueError("sort_order is ASC or DESC")
    if (identifiers is None) != (identifiers_type is None):
        raise ValueError("identifiers and identifiers_type go together")
    params = listings_item_params(marketplace_ids, included_data, issue_locale)
    params.update(
        {
            "identifiers": csv(identifiers) if identifiers is not None else None,
            "identifiersType": identifiers_type,
            "withStatus": csv(with_status),
            "withoutStatus": csv(without_status),
            "withIssueSeverity": csv(with_issue_severity),
            "lastUpdatedAfter": format_date(last_updated_after),
            "createdAfter": format_date(created_after),
            "sortBy": sort_by,
            "sortOrder": sort_order,
            "pageSize": max(1, min(int(page_size), LISTINGS_PAGE_SIZE_MAX)),
        }
    )
    if identifiers is not None and not params["identifiers"]:
        raise ValueError("identifiers must not be empty")
    return params


def patch_list(patches):
    """``PatchOperation`` list of a ``ListingsItemPatchRequest``, checked."""
    if not isinstance(patches, (list, tuple)) or not patches:
        raise ValueError("patches must be a non-empty list")
    for patch in patches:
        if not isinstance(patch, dict) or patch.get("op") not in PATCH_OPS:
            raise ValueError("each patch needs op add/replace/merge/delete")
        if not isinstance(patch.get("path"), str) or not patch["path"]:
            raise ValueError("each patch needs a path")
    return [dict(p) for p in patches]


def submission(body):
    """``ListingsItemSubmissionResponse`` checked for its required keys."""
    op = "patchListingsItem"
    for key in ("sku", "status", "submissionId"):
        required_field(body, key, op)
    issues = body.get("issues")
    if issues is not None and not isinstance(issues, list):
        raise InvalidResponse("submission issues is not a list", operation=op)
    return body


# -- Finances -----------------------------------------------------------------

FILTER_IDENTIFIERS = frozenset({"ORDER_ID", "FINANCIAL_EVENT_GROUP_ID"})


def transactions_params(
    posted_after,
    *,
    posted_before=None,
    marketplace_id=None,
    related_identifier_name=None,
    related_identifier_value=None,
    transaction_status=None,
):
    """Query of listTransactions (repeated with every ``nextToken``)."""
    if (related_identifier_name is None) != (related_identifier_value is None):
        raise ValueError("related identifier name and value go together")
    if related_identifier_name is not None:
        if related_identifier_name not in FILTER_IDENTIFIERS:
            raise ValueError("only ORDER_ID / FINANCIAL_EVENT_GROUP_ID filter")
        required_id(related_identifier_value, "related identifier value")
    elif posted_after is None:
        raise ValueError("posted_after is required without a related identifier")
    return {
        "postedAfter": format_date(posted_after),
        "postedBefore": format_date(posted_before),
        "marketplaceId": marketplace_id,
        "transactionStatus": transaction_status,
        "relatedIdentifierName": related_identifier_name,
        "relatedIdentifierValue": related_identifier_value,
    }
