"""Static SP-API facts: endpoints, marketplaces, operations, rate limits.

Sources: developer-docs.amazon.com "SP-API endpoints", the Seller Central URL
table of the developer guide ("Authorizing Selling Partner API applications") and the
paths and usage plans written in the official models (shared/spapi/models:
orders_2026-01-01.json, ordersV0.json, sellers.json, feeds_2021-06-30.json,
listingsItems_2021-08-01.json, finances_2024-06-19.json,
reports_2021-06-30.json).
"""

from typing import NamedTuple

LWA_HOST = "api.amazon.com"
LWA_PATH = "/auth/o2/token"
LWA_TOKEN_URL = f"https://{LWA_HOST}{LWA_PATH}"

REGION_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}

# AWS region names the library stores on its marketplace objects.
AWS_REGIONS = {"na": "us-east-1", "eu": "eu-west-1", "fe": "us-west-2"}

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class Marketplace(NamedTuple):
    code: str
    marketplace_id: str
    country: str
    currency: str
    language: str
    seller_central: str
    domain: str
    region: str

    @property
    def seller_central_url(self):
        return f"https://{self.seller_central}"


_SC_EU = "sellercentral-europe.amazon.com"

# code, marketplace id, country, currency, language, Seller Central host,
# storefront domain, region
_ROWS = (
    ("DE", "A1PA6795UKMFR9", "DE", "EUR", "de_DE", _SC_EU, "www.amazon.de", "eu"),
    ("FR", "A13V1IB3VIYZZH", "FR", "EUR", "fr_FR", _SC_EU, "www.amazon.fr", "eu"),
    ("IT", "APJ6JRA9NG5V4", "IT", "EUR", "it_IT", _SC_EU, "www.amazon.it", "eu"),
    ("ES", "A1RKKUPIHCS9HS", "ES", "EUR", "es_ES", _SC_EU, "www.amazon.es", "eu"),
    ("UK", "A1F83G8C2ARO7P", "GB", "GBP", "en_GB", _SC_EU, "www.amazon.co.uk", "eu"),
    (
        "NL",
        "A1805IZSGTT6HS",
        "NL",
        "EUR",
        "nl_NL",
        "sellercentral.amazon.nl",
        "www.amazon.nl",
        "eu",
    ),
    (
        "PL",
        "A1C3SOZRARQ6R3",
        "PL",
        "PLN",
        "pl_PL",
        "sellercentral.amazon.pl",
        "www.amazon.pl",
        "eu",
    ),
    (
        "SE",
        "A2NODRKZP88ZB9",
        "SE",
        "SEK",
        "sv_SE",
        "sellercentral.amazon.se",
        "www.amazon.se",
        "eu",
    ),
    (
        "BE",
        "AMEN7PMS3EDWL",
        "BE",
        "EUR",
        "fr_BE",
        "sellercentral.amazon.com.be",
        "www.amazon.com.be",
        "eu",
    ),
    (
        "IE",
        "A28R8C7NBKEWEA",
        "IE",
        "EUR",
        "en_IE",
        "sellercentral.amazon.ie",
        "www.amazon.ie",
        "eu",
    ),
    (
        "TR",
        "A33AVAJ2PDY3EV",
        "TR",
        "TRY",
        "tr_TR",
        "sellercentral.amazon.com.tr",
        "www.amazon.com.tr",
        "eu",
    ),
    (
        "AE",
        "A2VIGQ35RCS4UG",
        "AE",
        "AED",
        "en_AE",
        "sellercentral.amazon.ae",
        "www.amazon.ae",
        "eu",
    ),
    (
        "SA",
        "A17E79C6D8DWNP",
        "SA",
        "SAR",
        "ar_SA",
        "sellercentral.amazon.sa",
        "www.amazon.sa",
        "eu",
    ),
    (
        "EG",
        "ARBP9OOSHTCHU",
        "EG",
        "EGP",
        "en_AE",
        "sellercentral.amazon.eg",
        "www.amazon.eg",
        "eu",
    ),
    (
        "ZA",
        "AE08WJ6YKNBMC",
        "ZA",
        "ZAR",
        "en_ZA",
        "sellercentral.amazon.co.za",
        "www.amazon.co.za",
        "eu",
    ),
    (
        "IN",
        "A21TJRUUN4KGV",
        "IN",
        "INR",
        "en_IN",
        "sellercentral.amazon.in",
        "www.amazon.in",
        "eu",
    ),
    (
        "US",
        "ATVPDKIKX0DER",
        "US",
        "USD",
        "en_US",
        "sellercentral.amazon.com",
        "www.amazon.com",
        "na",
    ),
    (
        "CA",
        "A2EUQ1WTGCTBG2",
        "CA",
        "CAD",
        "en_CA",
        "sellercentral.amazon.ca",
        "www.amazon.ca",
        "na",
    ),
    (
        "MX",
        "A1AM78C64UM0Y8",
        "MX",
        "MXN",
        "es_MX",
        "sellercentral.amazon.com.mx",
        "www.amazon.com.mx",
        "na",
    ),
    (
        "BR",
        "A2Q3Y263D00KWC",
        "BR",
        "BRL",
        "pt_BR",
        "sellercentral.amazon.com.br",
        "www.amazon.com.br",
        "na",
    ),
    (
        "JP",
        "A1VC38T7YXB528",
        "JP",
        "JPY",
        "ja_JP",
        "sellercentral.amazon.co.jp",
        "www.amazon.co.jp",
        "fe",
    ),
    (
        "AU",
        "A39IBJ37TRP1C6",
        "AU",
        "AUD",
        "en_AU",
        "sellercentral.amazon.com.au",
        "www.amazon.com.au",
        "fe",
    ),
    (
        "SG",
        "A19VAU5U5O7RUS",
        "SG",
        "SGD",
        "en_SG",
        "sellercentral.amazon.sg",
        "www.amazon.sg",
        "fe",
    ),
)

MARKETPLACES = {row[0]: Marketplace(*row) for row in _ROWS}
MARKETPLACES_BY_ID = {mp.marketplace_id: mp for mp in MARKETPLACES.values()}


def marketplace(code_or_id):
    """Marketplace by code ("DE", "UK"/"GB") or by marketplace id, or None."""
    key = (code_or_id or "").strip()
    if key.upper() == "GB":
        key = "UK"
    return MARKETPLACES.get(key.upper()) or MARKETPLACES_BY_ID.get(key)


class RateLimit(NamedTuple):
    rate: float  # requests per second
    burst: int


# Default usage plans from the official models (the x-amzn-RateLimit-Limit
# response header may announce a higher rate for a given seller).
RATE_LIMITS = {
    # orders_2026-01-01.json, ordersV0.json, sellers.json
    "searchOrders": RateLimit(0.0056, 20),
    "getOrder": RateLimit(0.5, 30),
    "confirmShipment": RateLimit(2.0, 10),
    "getMarketplaceParticipations": RateLimit(0.016, 15),
    # feeds_2021-06-30.json
    "createFeedDocument": RateLimit(0.5, 15),
    "createFeed": RateLimit(0.0083, 15),
    # A createFeed "specific case": "The throttling limit for the Invoicing
    # Feed (UPLOAD_VAT_INVOICE) is one invoice upload every three seconds"
    # (developer docs, Option 3 "Upload invoices through SP-API"). Burst not
    # published: 1. Buckets "<operation>:<variant>" are used when present.
    "createFeed:UPLOAD_VAT_INVOICE": RateLimit(1 / 3, 1),
    "getFeed": RateLimit(2.0, 15),
    "cancelFeed": RateLimit(2.0, 15),
    "getFeedDocument": RateLimit(0.0222, 10),
    # listingsItems_2021-08-01.json
    "searchListingsItems": RateLimit(5.0, 5),
    "getListingsItem": RateLimit(5.0, 10),
    "patchListingsItem": RateLimit(5.0, 5),
    # finances_2024-06-19.json
    "listTransactions": RateLimit(0.5, 10),
    # reports_2021-06-30.json
    "createReport": RateLimit(0.0167, 15),
    "getReport": RateLimit(2.0, 15),
    "getReportDocument": RateLimit(0.0167, 15),
}
DEFAULT_RATE_LIMIT = RateLimit(0.5, 10)

# Operations sent through the library's generic request (method, path
# template with ``{}`` for the URL-quoted path parameters), from the models.
OPERATIONS = {
    "confirmShipment": ("POST", "/orders/v0/orders/{}/shipmentConfirmation"),
    "createFeedDocument": ("POST", "/feeds/2021-06-30/documents"),
    "createFeed": ("POST", "/feeds/2021-06-30/feeds"),
    "getFeed": ("GET", "/feeds/2021-06-30/feeds/{}"),
    "cancelFeed": ("DELETE", "/feeds/2021-06-30/feeds/{}"),
    "getFeedDocument": ("GET", "/feeds/2021-06-30/documents/{}"),
    "searchListingsItems": ("GET", "/listings/2021-08-01/items/{}"),
    "getListingsItem": ("GET", "/listings/2021-08-01/items/{}/{}"),
    "patchListingsItem": ("PATCH", "/listings/2021-08-01/items/{}/{}"),
    "listTransactions": ("GET", "/finances/2024-06-19/transactions"),
    "createReport": ("POST", "/reports/2021-06-30/reports"),
    "getReport": ("GET", "/reports/2021-06-30/reports/{}"),
    "getReportDocument": ("GET", "/reports/2021-06-30/documents/{}"),
}

# Feed and report documents live on presigned S3 URLs (Feeds/Reports use
# case guides: https://tortuga-prod-<region>.s3-....amazonaws.com/...). With
# Amazon's endpoints only https URLs on these host suffixes are fetched or
# uploaded to; a client built with a custom endpoint only talks to that host.
DOCUMENT_HOST_SUFFIXES = (".amazonaws.com",)
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024  # compressed and decompressed

# confirmShipment 400 answers meaning "this package is already recorded", so
# that a retried confirmation counts as done. Amazon documents none: re-sending
# the same packageReferenceId *edits* the package (tutorial "Confirm the
# shipment status"); the one published refusal of an already shipped order is
# "Failed to create package due to not finding a matching package or order
# already fulfilled." (selling-partner-api-models#5037). Lower-case
# substrings of the error message or details.
CONFIRM_ALREADY_DONE_PATTERNS = (
    "order already fulfilled",
    "already been fulfilled",
    "already shipped",
    "already been shipped",
    "already confirmed",
    "duplicate packagereferenceid",
    "duplicate package",
)

# Finances 2024-06-19: transaction types read as refunds (lower case; the
# model only names "Shipment", real answers say "Refund" also for chargeback
# refunds, selling-partner-api-models#4274).
REFUND_TRANSACTION_TYPES = ("refund",)

# breakdownType names (lower case, letters and digits only) -> kind. The
# model documents no vocabulary: these are its example names ("Product
# Charges", "Principle" [sic]), the charge/fee types of Finances v0, whose
# events the 2024-06-19 breakdowns replace, and the Seller Central
# transaction names ("OurPricePrincipal", "OurPriceTax", ...). "tax" means
# "tax of the parent kind" (see finances.breakdown_kind). Unknown names
# inherit their parent's kind or count as "other"; raw names are kept.
BREAKDOWN_KINDS = {
    "principal": "item",
    "principle": "item",
    "productcharges": "item",
    "productcharge": "item",
    "itemprice": "item",
    "ourpriceprincipal": "item",
    "tax": "tax",
    "vat": "tax",
    "producttax": "item_tax",
    "principaltax": "item_tax",
    "itemtax": "item_tax",
    "ourpricetax": "item_tax",
    "shipping": "shipping",
    "shippingcharge": "shipping",
    "shippingcharges": "shipping",
    "shippingprice": "shipping",
    "shippingprincipal": "shipping",
    "shippingtax": "shipping_tax",
    "giftwrap": "gift_wrap",
    "giftwrapcharge": "gift_wrap",
    "giftwrapcharges": "gift_wrap",
    "giftwrapprice": "gift_wrap",
    "giftwrapprincipal": "gift_wrap",
    "giftwraptax": "gift_wrap_tax",
    "promotion": "promotion",
    "promotions": "promotion",
    "promotiondiscount": "promotion",
    "ourpricepromotion": "promotion",
    "promotionalrebates": "promotion",
    "discount": "promotion",
    "shippingpromotion": "shipping_promotion",
    "promotiontax": "promotion_tax",
    "taxdiscount": "promotion_tax",
    "restockingfee": "restocking_fee",
    "goodwill": "goodwill",
    "returnshipping": "return_shipping",
    "codcharge": "cod_fee",
    "codcharges": "cod_fee",
    "coditemtaxcharge": "cod_fee_tax",
    "coditemcharge": "cod_fee",
    "codordercharge": "cod_fee",
    "codshippingcharge": "cod_fee",
    "commission": "fee",
    "refundcommission": "fee",
    "amazonfees": "fee",
    "fbafees": "fee",
    "fbaperunitfulfillmentfee": "fee",
    "marketplacefacilitatortaxprincipal": "withheld_tax",
    "marketplacefacilitatortaxshipping": "withheld_tax",
    "marketplacefacilitatortaxgiftwrap": "withheld_tax",
    "marketplacefacilitatortaxother": "withheld_tax",
}
