"""The generator's fixed SKU catalogue (~50 products with EAN-13 and VAT rate)."""

import random

# (SKU stem, German title, gross EUR price, DE VAT rate, variants)
PRODUCTS = (
    ("THB", "Edelstahl Thermobecher 500 ml", "19.99", 19, ("Schwarz", "Weiß", "Rot")),
    ("BRO", "Brotkasten aus Bambus mit Schneidebrett", "34.90", 19, ("Natur",)),
    ("GIE", "Gießkanne verzinkt 10 l", "24.95", 19, ("Silber", "Anthrazit")),
    ("KAF", "Bio Kaffeebohnen Espresso 1 kg", "18.49", 7, ("Crema", "Forte")),
    ("TEE", "Grüner Tee Sencha lose 250 g", "8.99", 7, ("Natur",)),
    ("HON", "Deutscher Blütenhonig cremig 500 g", "7.49", 7, ("Glas",)),
    ("KOB", "Kochbuch „Omas Küche“ gebunden", "24.00", 7, ("Ausgabe 2025",)),
    ("KIS", "Kissenbezug Leinen 40×40 cm", "14.95", 19, ("Grau", "Salbei", "Senf")),
    ("HAN", "Handtuch-Set Frottee 4-teilig", "29.99", 19, ("Blau", "Weiß")),
    ("LED", "LED-Leuchtmittel E27 9 W warmweiß 4er-Pack", "12.99", 19, ("2700K",)),
    ("WER", "Werkzeugkoffer 108-teilig", "59.90", 19, ("Profi",)),
    ("AKS", "Akku-Schrauber 12 V mit 2 Akkus", "79.00", 19, ("Grün", "Blau")),
    ("FAH", "Fahrradschloss Bügelschloss 230 mm", "27.49", 19, ("Schwarz",)),
    ("RUC", "Wanderrucksack 30 l wasserabweisend", "49.95", 19, ("Oliv", "Grau")),
    ("TRI", "Trinkflasche Glas 750 ml", "15.90", 19, ("Klar", "Rosé")),
    ("SOC", "Merino-Socken 3 Paar", "22.50", 19, ("39-42", "43-46")),
    ("SPI", "Holzspielzeug Eisenbahn Starter-Set", "39.99", 19, ("Buche",)),
    ("PUZ", "Puzzle 1000 Teile Neuschwanstein", "16.99", 19, ("Standard",)),
    ("NOT", "Notizbuch A5 gepunktet 192 Seiten", "11.95", 19, ("Schwarz", "Petrol")),
    ("KUG", "Kugelschreiber Messing nachfüllbar", "18.00", 19, ("Messing",)),
    ("HUN", "Hundeleckerli Rind getrocknet 500 g", "12.90", 7, ("Natur",)),
    ("SAA", "Saatgut-Set Kräutergarten 12 Sorten", "9.95", 7, ("Bio",)),
    ("GEW", "Gewürzmühle Keramikmahlwerk 2er-Set", "21.99", 19, ("Holz", "Edelstahl")),
    ("PFA", "Pfanne Gusseisen 28 cm", "44.95", 19, ("Schwarz",)),
    ("MES", "Küchenmesser Damast 20 cm", "89.00", 19, ("Olivenholz",)),
    ("SCH", "Schneebesen Silikon 30 cm", "6.99", 19, ("Rot", "Grau")),
    ("ZEI", "Zeitschaltuhr digital für Steckdose", "13.49", 19, ("Weiß",)),
    ("VER", "Verlängerungskabel 5 m 3-fach", "10.99", 19, ("Weiß",)),
    ("BET", "Bettwäsche Renforcé 135×200 cm", "39.95", 19, ("Streifen", "Uni")),
    ("DUF", "Duftkerze Sojawachs im Glas", "12.50", 19, ("Lavendel", "Zeder")),
    ("MUE", "Müsli Knusper Schoko 750 g", "5.49", 7, ("Standard",)),
    ("SPU", "Spülbürste Buchenholz", "4.99", 19, ("Buche",)),
    ("ZEL", "Zeltheringe Aluminium 10 Stück", "9.49", 19, ("Silber",)),
    ("SPA", "Spätzlehobel Edelstahl", "14.99", 19, ("Standard",)),
)


def ean13(body12):
    """Append the GS1 check digit to a 12-digit string."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _build():
    rng = random.Random(20260101)
    rows = []
    for stem, title, price, vat, variants in PRODUCTS:
        for n, variant in enumerate(variants):
            suffix = variant.upper().replace("É", "E")[:3]
            asin = "B0" + "".join(
                rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)
            )
            rows.append(
                {
                    "sku": f"SIM-{stem}-{n + 1:02d}{suffix}".replace(" ", ""),
                    "ean": ean13(
                        "40" + "".join(str(rng.randrange(10)) for _ in range(10))
                    ),
                    "asin": asin,
                    "title": title if len(variants) == 1 else f"{title}, {variant}",
                    "price": price,
                    "vat_rate": vat,
                    "currency": "EUR",
                }
            )
    return rows


_CATALOGUE = _build()


def catalogue():
    """A copy of the catalogue rows (sku, ean, asin, title, price, vat_rate, ...)."""
    return [dict(row) for row in _CATALOGUE]
