# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from pathlib import Path

import polib

from odoo.tests import BaseCase, tagged

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestGermanTranslation(BaseCase):
    def test_every_term_translated(self):
        """Every term of the .pot has a German translation in de.po."""
        pot = polib.pofile(str(I18N / "amazon_seller_connector.pot"))
        po = polib.pofile(str(I18N / "de.po"))
        translated = {
            (entry.msgctxt, entry.msgid)
            for entry in po
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = [
            entry.msgid
            for entry in pot
            if (entry.msgctxt, entry.msgid) not in translated
        ]
        self.assertGreater(len(pot), 50)
        self.assertFalse(missing, f"Untranslated in de.po: {missing[:20]}")

    def test_placeholders_kept(self):
        po = polib.pofile(str(I18N / "de.po"))
        for entry in po:
            for token in ("%(", "%s", "%d"):
                self.assertEqual(
                    entry.msgid.count(token),
                    entry.msgstr.count(token),
                    f"placeholder mismatch in {entry.msgid!r}",
                )
