"""Static facts shared by the simulator: defaults, marketplaces, limits, errors."""

DEFAULTS = {
    "client_id": "amzn1.application-oa2-client.simulator",
    "client_secret": "simulator-client-secret",
    "application_id": "amzn1.sp.solution.simulator",
    "application_name": "Odoo Amazon Connector (Simulator)",
    "email": "seller@example.com",
    "password": "amazon",
    "otp": "123456",
    "seller_id": "A1SIMSELLER0DE",
    "store_name": "Simulator Handel GmbH",
}

# code: (marketplace id, name, domain, currency, language, country)
MARKETPLACES = {
    "DE": ("A1PA6795UKMFR9", "Amazon.de", "www.amazon.de", "EUR", "de_DE"),
    "FR": ("A13V1IB3VIYZZH", "Amazon.fr", "www.amazon.fr", "EUR", "fr_FR"),
    "IT": ("APJ6JRA9NG5V4", "Amazon.it", "www.amazon.it", "EUR", "it_IT"),
    "ES": ("A1RKKUPIHCS9HS", "Amazon.es", "www.amazon.es", "EUR", "es_ES"),
    "NL": ("A1805IZSGTT6HS", "Amazon.nl", "www.amazon.nl", "EUR", "nl_NL"),
    "PL": ("A1C3SOZRARQ6R3", "Amazon.pl", "www.amazon.pl", "PLN", "pl_PL"),
    "SE": ("A2NODRKZP88ZB9", "Amazon.se", "www.amazon.se", "SEK", "sv_SE"),
    "BE": ("AMEN7PMS3EDWL", "Amazon.com.be", "www.amazon.com.be", "EUR", "fr_BE"),
    "IE": ("A28R8C7NBKEWEA", "Amazon.ie", "www.amazon.ie", "EUR", "en_IE"),
    "TR": ("A33AVAJ2PDY3EV", "Amazon.com.tr", "www.amazon.com.tr", "TRY", "tr_TR"),
    "UK": ("A1F83G8C2ARO7P", "Amazon.co.uk", "www.amazon.co.uk", "GBP", "en_GB"),
    "US": ("ATVPDKIKX0DER", "Amazon.com", "www.amazon.com", "USD", "en_US"),
    "CA": ("A2EUQ1WTGCTBG2", "Amazon.ca", "www.amazon.ca", "CAD", "en_CA"),
    "MX": ("A1AM78C64UM0Y8", "Amazon.com.mx", "www.amazon.com.mx", "MXN", "es_MX"),
    "JP": ("A1VC38T7YXB528", "Amazon.co.jp", "www.amazon.co.jp", "JPY", "ja_JP"),
}


def marketplace(code):
    """Return the sellers API ``Marketplace`` object for a country code."""
    mid, name, domain, currency, lang = MARKETPLACES[code]
    country = "GB" if code == "UK" else code
    return {
        "id": mid,
        "name": name,
        "countryCode": country,
        "defaultCurrencyCode": currency,
        "defaultLanguageCode": lang,
        "domainName": domain,
    }


MARKETPLACE_BY_ID = {v[0]: k for k, v in MARKETPLACES.items()}

# operation -> (rate per second, burst); defaults from the models' usage plans
RATE_LIMITS = {
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    "getMarketplaceParticipations": (0.016, 15),
    "confirmShipment": (2, 10),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "createFeed:UPLOAD_VAT_INVOICE": (0.3333, 1),
    "getFeed": (2, 15),
    "getFeeds": (0.0222, 10),
    "cancelFeed": (2, 15),
    "getFeedDocument": (0.0222, 10),
    "searchListingsItems": (5, 5),
    "getListingsItem": (5, 10),
    "patchListingsItem": (5, 5),
    "listTransactions": (0.5, 10),
    "createReport": (0.0167, 15),
    "getReport": (2, 15),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
}
# createFeed buckets of their own per feed type ("one invoice upload every three
# seconds", Amazon's UPLOAD_VAT_INVOICE guide); the burst is not documented
FEED_TYPE_LIMITS = ("UPLOAD_VAT_INVOICE",)

FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
FULFILLED_BY = ("MERCHANT", "AMAZON")
INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
# includedData value -> (order-level keys, item-level keys) it switches on
INCLUDED_KEYS = {
    "BUYER": (("buyer",), ()),
    "RECIPIENT": (("recipient",), ()),
    "PROCEEDS": (("proceeds",), ("proceeds",)),
    "EXPENSE": ((), ("expense",)),
    "PROMOTION": ((), ("promotion",)),
    "CANCELLATION": ((), ("cancellation",)),
    "FULFILLMENT": (("fulfillment",), ("fulfillment",)),
    "PACKAGES": (("packages",), ()),
    "TAX": (("tax",), ("tax",)),
    "PAYMENT": (("payment",), ()),
    "FULFILLMENT_ORDERS": (("fulfillmentOrders",), ()),
}
OPTIONAL_ORDER_KEYS = frozenset(k for v in INCLUDED_KEYS.values() for k in v[0])
OPTIONAL_ITEM_KEYS = frozenset(k for v in INCLUDED_KEYS.values() for k in v[1])

# Error bodies (see /work/shared/spapi/samples)
ERR_MISSING_TOKEN = (
    "MissingAuthenticationTokenException",
    {
        "code": "MissingAuthenticationToken",
        "message": "Access to requested resource is denied.",
    },
)
ERR_EXPIRED_TOKEN = (
    "ExpiredTokenException",
    {
        "code": "Unauthorized",
        "message": "The security token included in the request is expired",
    },
)
ERR_INVALID_TOKEN = (
    None,
    {
        "code": "Unauthorized",
        "message": "Access to requested resource is denied.",
        "details": "The access token you provided is revoked, malformed or invalid.",
    },
)
ERR_QUOTA = {
    "code": "QuotaExceeded",
    "message": "You exceeded your quota for the requested resource.",
    "details": "",
}
ERR_NOT_FOUND = {"code": "NotFound", "message": "The requested resource was not found."}

LWA_ERRORS = {
    "invalid_request": (400, "The request is missing a required parameter : {}"),
    "unsupported_grant_type": (
        400,
        "The authorization grant type is not supported by the authorization server",
    ),
    "invalid_client": (401, "Client authentication failed"),
    "invalid_grant": (400, "The request has an invalid grant parameter : {}"),
}

HTML_FAULT_BODIES = {
    429: "<html><body><h1>429 Too Many Requests</h1></body></html>",
    500: "<html><body><h1>500 Internal Server Error</h1></body></html>",
    502: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    503: "<html><body>Service Unavailable</body></html>",
    504: "<html><body><h1>504 Gateway Time-out</h1></body></html>",
}
