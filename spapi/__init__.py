"""Plain-Python Selling Partner API layer (no Odoo import).

The addon imports it as ``from ..spapi import SpApiClient, AmazonOrder``.
"""

from .client import DEFAULT_INCLUDED, SearchPage, SpApiClient
from .errors import (
    AuthError,
    InvalidClient,
    InvalidGrant,
    InvalidResponse,
    RequestError,
    SpApiError,
    ThrottledError,
    TransientError,
)
from .orders import AmazonOrder, AmazonOrderLine, Charge, parse_check
from .ratelimit import RateLimiter, TokenBucket
