"""Merge i18n/<module>.pot into i18n/de.po, keeping existing German translations.

Usage (after `make odoo ARGS='i18n export -d DB amazon_seller_connector'`):
    .local/venv/bin/python tools/i18n_update.py [extra_terms.py]
An optional Python file defining a dict DE = {msgid: msgstr} adds translations.
Prints the msgids that still lack a German translation.
"""

import runpy
import sys
from pathlib import Path

import polib

I18N = Path(__file__).resolve().parent.parent / "i18n"


def main(argv):
    extra = runpy.run_path(argv[1])["DE"] if len(argv) > 1 else {}
    pot = polib.pofile(str(I18N / "amazon_seller_connector.pot"))
    old_path = I18N / "de.po"
    old = (
        {e.msgid: e.msgstr for e in polib.pofile(str(old_path))}
        if old_path.exists()
        else {}
    )
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {"Language": "de", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    )
    missing = []
    for entry in pot:
        msgstr = extra.get(entry.msgid) or old.get(entry.msgid, "")
        if not msgstr:
            missing.append(entry.msgid)
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                msgctxt=entry.msgctxt,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=[f for f in entry.flags if f != "fuzzy"],
            )
        )
    po.save(str(old_path))
    for msgid in missing:
        print("MISSING:", repr(msgid))
    print(f"{len(pot) - len(missing)}/{len(pot)} terms translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
