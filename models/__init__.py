from . import amazon_seller_marketplace
from . import amazon_seller_account
from . import res_config_settings
from . import amazon_match_criterion
from . import amazon_partner_pair
from . import amazon_partner_review
from . import amazon_seller_account_match
from . import amazon_seller_account_candidates
