"""Local Amazon SP-API simulator (LWA, consent pages, Sellers, Orders, Feeds,
Listings Items, Finances, Reports).

Test tooling only: the Odoo addon never imports this package at run time.
"""

from .constants import DEFAULTS, MARKETPLACES
from .core import Simulator

__all__ = ["DEFAULTS", "MARKETPLACES", "Simulator"]
