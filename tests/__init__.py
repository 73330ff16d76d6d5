from . import test_account
from . import test_security
from . import test_i18n
from . import test_ui
from . import test_partner_matching
from . import test_partner_review
