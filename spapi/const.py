"""Static SP-API facts: regional endpoints, marketplaces, rate limits.

Sources: developer-docs.amazon.com "SP-API endpoints", the Seller Central URL
table of the developer guide (see shared/design/spapi.md section 1.1) and the
usage plans written in the official models (orders_2026-01-01.json,
sellers.json).
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
    "searchOrders": RateLimit(0.0056, 20),
    "getOrder": RateLimit(0.5, 30),
    "getMarketplaceParticipations": RateLimit(0.016, 15),
}
DEFAULT_RATE_LIMIT = RateLimit(0.5, 10)
