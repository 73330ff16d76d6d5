# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the connector does with Amazon's statuses, and its other constants.

Like ``payment_stripe/const.py``: data, not code. The Amazon order binding
(``amazon.seller.order``) looks its action up in :data:`STATUS_ACTIONS`.
"""

# --- Amazon order binding ------------------------------------------------
ORDER_STATES = [
    ("waiting", "Waiting"),
    ("imported", "Imported"),
    ("review", "Needs review"),
    ("error", "Error"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [("fbm", "Merchant (FBM)"), ("fba", "Amazon (FBA)")]

#: What the binding does with an order, by (fulfilled by, Amazon's status)
IMPORT, WAIT, CANCEL, SKIP = "import", "wait", "cancel", "skip"
STATUS_ACTIONS = {
    ("MERCHANT", "PENDING"): WAIT,
    ("MERCHANT", "PENDING_AVAILABILITY"): WAIT,
    ("MERCHANT", "UNSHIPPED"): IMPORT,
    ("MERCHANT", "PARTIALLY_SHIPPED"): IMPORT,
    ("MERCHANT", "SHIPPED"): IMPORT,
    ("MERCHANT", "CANCELLED"): CANCEL,
    # Amazon ships FBA orders: they become sale orders once shipped
    ("AMAZON", "PENDING"): WAIT,
    ("AMAZON", "PENDING_AVAILABILITY"): WAIT,
    ("AMAZON", "UNSHIPPED"): WAIT,
    ("AMAZON", "PARTIALLY_SHIPPED"): WAIT,
    ("AMAZON", "SHIPPED"): IMPORT,
    ("AMAZON", "CANCELLED"): CANCEL,
}
#: when the channel is unknown, only these statuses mean something
STATUS_DEFAULTS = {"PENDING": WAIT, "PENDING_AVAILABILITY": WAIT, "CANCELLED": CANCEL}


def status_action(fulfilled_by, status):
    """The binding's action for an order; anything else is recorded (SKIP)."""
    return STATUS_ACTIONS.get((fulfilled_by, status)) or STATUS_DEFAULTS.get(
        status, SKIP
    )


#: Orders in error are fetched again after these delays (minutes), then left
#: to a person (an activity on the account)
RETRY_DELAYS = (15, 30, 60, 120, 240, 480, 960, 1440)
#: error orders fetched again per import run
RETRY_BATCH = 20

#: fee kind of a charge -> the account's product field
FEE_PRODUCT_FIELDS = {
    "shipping": "shipping_product_id",
    "gift_wrap": "gift_wrap_product_id",
    "cod_fee": "cod_fee_product_id",
    "other": "shipping_product_id",
}

# --- Import run ------------------------------------------------------------
#: first key of pg_try_advisory_xact_lock(int, int), the second is the account
IMPORT_LOCK_NAMESPACE = 742_318
#: windows start this much before the last synchronisation point
SYNC_OVERLAP_MINUTES = 10
#: orders per searchOrders page (Amazon's maximum)
IMPORT_PAGE_SIZE = 100
#: seconds "Import now" works before leaving the rest to the scheduled action
MANUAL_IMPORT_SECONDS = 60

# --- Data protection ---------------------------------------------------------
PAYLOAD_RETENTION_PARAM = "amazon_seller_connector.payload_retention_days"
#: Amazon's Data Protection Policy: buyer data at most 30 days after delivery
MAX_RETENTION_DAYS = 30
