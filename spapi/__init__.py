"""Plain-Python Selling Partner API layer (no Odoo import).

The addon imports it as ``from ..spapi import SpApiClient, AmazonOrder``.
"""

from ._lwa import shared_token_cache
from ._params import format_date
from .client import DEFAULT_INCLUDED, SearchPage, SpApiClient
from .errors import (
    AuthError,
    DocumentUrlRefused,
    InvalidClient,
    InvalidGrant,
    InvalidResponse,
    RateLimitWait,
    RequestError,
    SpApiError,
    ThrottledError,
    TransientError,
)
from .feeds import (
    Feed,
    FeedDocumentUpload,
    ListingsFeedReport,
    QuantityUpdate,
    VAT_INVOICE_MARKETPLACES,
    XmlProcessingReport,
    parse_listings_report,
    parse_xml_report,
    quantity_feed,
    vat_invoice_options,
)
from .finances import Refund, RefundItem, TransactionsPage, parse_refund
from .listings import ListingItem, ListingsPage, quantity_patches
from .orders import AmazonOrder, AmazonOrderLine, Charge, parse_check
from .ratelimit import RateLimiter, StoredRateLimiter, TokenBucket
from .reports import Report
from .shipments import (
    OrderFulfilment,
    ShipmentItem,
    fulfilment_feed,
    is_already_confirmed,
    package_detail,
)
