# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from pathlib import Path

import polib

from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

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


@tagged("post_install", "-at_install")
class TestGermanTranslationLive(TransactionCase):
    def test_every_current_term_translated(self):
        """Every term the module has *now* (not only those of the committed
        .pot) has a German translation: a new string cannot slip through."""
        reader = TranslationModuleReader(self.env.cr, ["amazon_seller_connector"])
        terms = {source for _m, _t, _n, _r, source, _v, _c in reader if source}
        po = polib.pofile(str(I18N / "de.po"))
        translated = {
            entry.msgid
            for entry in po
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        self.assertGreater(len(terms), 50)
        missing = sorted(terms - translated)
        self.assertFalse(missing, f"Untranslated in de.po: {missing[:20]}")
