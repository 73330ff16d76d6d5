# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install hook: match keys of existing partners and default criteria."""

import logging
import time

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Fill the partners' match keys in batches (SQL read, Python keys, one
    UPDATE per batch) and give existing accounts the balanced criteria."""
    start = time.monotonic()
    count = env["res.partner"]._amazon_fill_match_keys(only_missing=True)
    _logger.info(
        "Amazon duplicate search: match keys of %s partners computed in %.1f s",
        count,
        time.monotonic() - start,
    )
    accounts = (
        env["amazon.seller.account"]
        .with_context(active_test=False)
        .search([("match_criterion_ids", "=", False)])
    )
    accounts.write({"match_preset": "balanced"})
