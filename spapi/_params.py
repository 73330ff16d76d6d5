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
