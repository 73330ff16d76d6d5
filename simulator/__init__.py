"""Local Amazon SP-API simulator (LWA, consent pages, Sellers, Orders v2026-01-01).

Test tooling only: the Odoo addon never imports this package at run time.
"""

from .constants import DEFAULTS, MARKETPLACES
from .core import Simulator

__all__ = ["DEFAULTS", "MARKETPLACES", "Simulator"]
