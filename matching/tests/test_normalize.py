"""Table-driven tests of the normalisation rules."""

import pytest

from matching.normalize import (
    city_key,
    classify_address_lines,
    company_key,
    email_key,
    fold,
    is_company_name,
    keys_for,
    name_key,
    parse_packstation,
    parse_street,
    phone_e164,
    split_company,
    split_person_name,
    vat_key,
    zip_key,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Müller", "mueller"),
        ("MÜLLER", "mueller"),
        ("Straße", "strasse"),
        ("Öztürk-Çelik", "oeztuerk celik"),
        ("François  Hérault", "francois herault"),
        ("  a.b,c ", "a b c"),
        (None, ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("name", "given", "surname"),
    [
        ("Hans Müller", "hans", "mueller"),
        ("Müller, Hans", "hans", "mueller"),
        ("Dr. Hans Müller", "hans", "mueller"),
        ("Herr Prof. Dr. Hans Müller", "hans", "mueller"),
        ("Frau Dipl.-Ing. Anna Weber", "anna", "weber"),
        ("Mrs Jane Smith", "jane", "smith"),
        ("Weber, Dr. Anna", "anna", "weber"),
        ("Dr. Ursula von der Leyen", "ursula", "von der leyen"),
        ("Ludwig van Beethoven", "ludwig", "van beethoven"),
        ("de Vries, Jan", "jan", "de vries"),
        ("Karl-Ernst Müller-Lüdenscheidt", "karl-ernst", "mueller-luedenscheidt"),
        ("Hans Peter Meier MBA", "hans peter", "meier"),
        ("Müller", "", "mueller"),
    ],
)
def test_split_person_name(name, given, surname):
    assert split_person_name(name) == (given, surname)


def test_name_key_equal_for_order_and_titles():
    assert name_key("Müller, Hans") == name_key("Herr Hans Mueller") == "hans mueller"


@pytest.mark.parametrize(
    ("name", "core", "form"),
    [
        ("Müller GmbH", "mueller", "gmbh"),
        ("Mueller G.m.b.H.", "mueller", "gmbh"),
        ("Müller GmbH & Co. KG", "mueller", "gmbh_co_kg"),
        ("Müller GmbH und Co KG", "mueller", "gmbh_co_kg"),
        ("Müller UG (haftungsbeschränkt)", "mueller", "ug"),
        ("Bäckerei Huber e.K.", "baeckerei huber", "ek"),
        ("Sportverein Blau-Weiß e.V.", "sportverein blau weiss", "ev"),
        ("Volksbank Mittelhessen eG", "volksbank mittelhessen", "eg"),
        ("Siemens AG", "siemens", "ag"),
        ("Schmidt OHG", "schmidt", "ohg"),
        ("Meier & Partner GbR", "meier partner", "gbr"),
        ("Airbus SE", "airbus", "se"),
        ("Acme Ltd.", "acme", "ltd"),
        ("Dupont S.A.R.L.", "dupont", "sarl"),
        ("Rossi S.r.l.", "rossi", "srl"),
        ("Jansen B.V.", "jansen", "bv"),
        ("Kowalski Sp. z o.o.", "kowalski", "sp_zoo"),
        ("Muster Gesellschaft mit beschränkter Haftung", "muster", "gmbh"),
    ],
)
def test_split_company(name, core, form):
    assert split_company(name) == (core, form)
    assert company_key(name) == core


@pytest.mark.parametrize(
    ("text", "is_company"),
    [
        ("Müller GmbH", True),
        ("Volksbank eG", True),
        ("Hausbau UG", True),
        ("Zahnarztpraxis Dr. Weber", True),
        ("EG links", False),
        ("EG", False),
        ("3. OG", False),
        ("2. OG rechts", False),
        ("UG", False),
        ("DG", False),
        ("Hans Müller", False),
        ("Hinterhaus", False),
    ],
)
def test_is_company_name_floor_vs_legal_form(text, is_company):
    assert is_company_name(text) is is_company


@pytest.mark.parametrize(
    ("line", "street", "number"),
    [
        ("Müllerstr. 5a", "mueller str", "5a"),
        ("Muellerstrasse 5 A", "mueller str", "5a"),
        ("Müller Straße 5a", "mueller str", "5a"),
        ("Müller-Lüdenscheidt Str. 12a", "mueller luedenscheidt str", "12a"),
        ("Mueller-Luedenscheidt Strasse 12 a", "mueller luedenscheidt str", "12a"),
        ("Straße des 17. Juni 100", "str des 17 juni", "100"),
        ("Hauptstraße 5-7", "haupt str", "5-7"),
        ("Hauptstr. 5–7", "haupt str", "5-7"),
        ("Hauptstr. 5 - 7", "haupt str", "5-7"),
        ("Hauptstr. 5/1", "haupt str", "5/1"),
        ("Hauptstr. Nr. 4", "haupt str", "4"),
        ("Marktplatz 1", "markt platz", "1"),
        ("Markt Pl. 1", "markt platz", "1"),
        ("Kurfürstendamm 21", "kurfuersten damm", "21"),
        ("Berliner Allee 3 B", "berliner allee", "3b"),
        ("12 rue de la Paix", "rue de la paix", "12"),
        ("12bis rue de la Paix", "rue de la paix", "12bis"),
        ("Via Roma 5", "via roma", "5"),
        ("Calle Mayor, 3", "calle mayor", "3"),
        ("Kerkstraat 12", "kerkstraat", "12"),
        ("Am Ring", "am ring", ""),
    ],
)
def test_parse_street(line, street, number):
    assert parse_street(line) == (street, number)


@pytest.mark.parametrize(
    ("lines", "name", "expected"),
    [
        (
            ["Packstation 123", "Postnummer 12345678"],
            None,
            ("packstation", "123", "12345678"),
        ),
        (
            ["Packstation 105"],
            "Hans Müller 87654321",
            ("packstation", "105", "87654321"),
        ),
        (["12345678", "Packstation 105"], None, ("packstation", "105", "12345678")),
        (
            ["Postfiliale 502", "PostNr. 1234567"],
            None,
            ("postfiliale", "502", "1234567"),
        ),
        (["Hauptstr. 5"], "Hans Müller", ("", "", "")),
    ],
)
def test_parse_packstation(lines, name, expected):
    assert parse_packstation(lines, name) == expected


@pytest.mark.parametrize(
    ("lines", "company", "care_of", "street", "extra"),
    [
        (
            ["Müller GmbH", "Hauptstr. 5", "EG links"],
            "Müller GmbH",
            "",
            "Hauptstr. 5",
            ["EG links"],
        ),
        (["Hauptstr. 5", "Müller GmbH", ""], "Müller GmbH", "", "Hauptstr. 5", []),
        (["c/o Meier", "Hauptstr. 5", "3. OG"], "", "Meier", "Hauptstr. 5", ["3. OG"]),
        (
            ["Hinterhaus", "Am Ring 3", "Apt 3"],
            "",
            "",
            "Am Ring 3",
            ["Hinterhaus", "Apt 3"],
        ),
        (
            ["Volksbank eG", "Bahnhofstr. 1", "2. OG"],
            "Volksbank eG",
            "",
            "Bahnhofstr. 1",
            ["2. OG"],
        ),
    ],
)
def test_classify_address_lines(lines, company, care_of, street, extra):
    result = classify_address_lines(lines)
    assert (result.company, result.care_of, result.street, result.extra) == (
        company,
        care_of,
        street,
        extra,
    )


@pytest.mark.parametrize(
    ("lines", "street_key", "house_number"),
    [
        (["Hauptstraße", "5"], "haupt str", "5"),  # number in its own line
        (["5a", "Hauptstraße"], "haupt str", "5a"),
        (["12 Wentworth House", "Kiewa Street"], "kiewa street", "12"),  # swapped
        (["Am Anger 5", "Hinterhaus"], "am anger", "5"),  # no street type: kept
        (["Hauptstr. 5", "Gartenweg 7"], "haupt str", "5"),  # both numbered
        (["Hauptstr. 5", "2. OG"], "haupt str", "5"),  # floor line, not a number
    ],
)
def test_street_split_over_two_lines_is_joined(lines, street_key, house_number):
    keys = keys_for({"street": lines[0], "street2": lines[1]})
    assert (keys["street_key"], keys["house_number"]) == (street_key, house_number)


def test_classify_packstation_lines():
    result = classify_address_lines(["Packstation 123", "12345678"])
    assert (result.packstation, result.postnummer, result.street) == (
        "Packstation 123",
        "12345678",
        "",
    )


@pytest.mark.parametrize(
    ("phone", "country", "e164"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 1234567", "DE", "+49301234567"),
        ("0049 151 12345678", "DE", "+4915112345678"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("12", "DE", None),
        ("", "DE", None),
    ],
)
def test_phone_e164(phone, country, e164):
    assert phone_e164(phone, country) == e164


@pytest.mark.parametrize(
    ("vat", "country", "key"),
    [
        ("DE 136 695 976", "DE", "DE136695976"),
        ("136695976", "DE", "DE136695976"),
        ("de136695976", None, "DE136695976"),
        ("DE136695977", "DE", None),
        ("ATU13585627", "AT", "ATU13585627"),
        ("", "DE", None),
    ],
)
def test_vat_key(vat, country, key):
    assert vat_key(vat, country) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (" Hans.Mueller@Example.DE ", "hans.mueller@example.de"),
        ("Hans <h@x.de>", "h@x.de"),
        ("no mail", ""),
    ],
)
def test_email_key(value, key):
    assert email_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [("D-12345", "12345"), (" 01067 ", "01067"), ("1012 ab", "1012AB")],
)
def test_zip_key(value, key):
    assert zip_key(value) == key


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (
            [
                "Frankfurt am Main",
                "Frankfurt a. M.",
                "Frankfurt/Main",
                "Frankfurt (Main)",
            ],
            "frankfurt main",
        ),
        (["München", "Muenchen", "MÜNCHEN"], "muenchen"),
        (["Halle (Saale)", "Halle an der Saale", "Halle/Saale"], "halle saale"),
        (["St. Ingbert", "Sankt Ingbert"], "sankt ingbert"),
    ],
)
def test_city_key(variants, key):
    assert {city_key(variant) for variant in variants} == {key}


def test_keys_for_business_buyer_with_company_in_line1():
    keys = keys_for(
        {
            "name": "Dr. Hans Müller",
            "street": "Müller GmbH & Co. KG",
            "street2": "Hauptstr. 5a",
            "street3": "EG links",
            "zip": "D-12345",
            "city": "Frankfurt a. M.",
            "country_code": "de",
            "email": "ABC@marketplace.amazon.de",
            "vat": "DE136695976",
        }
    )
    assert keys["company_key"] == "mueller"
    assert keys["legal_form"] == "gmbh_co_kg"
    assert (keys["given_key"], keys["surname_key"]) == ("hans", "mueller")
    assert (keys["street_key"], keys["house_number"]) == ("haupt str", "5a")
    assert (keys["zip_key"], keys["city_key"], keys["country"]) == (
        "12345",
        "frankfurt main",
        "DE",
    )
    assert keys["amazon_email_key"] == "abc@marketplace.amazon.de"
    assert keys["email_key"] == ""
    assert keys["vat_key"] == "DE136695976"


def test_keys_for_company_in_name_and_packstation():
    keys = keys_for({"name": "Müller GmbH", "street": "Hauptstr. 1"})
    assert (keys["company_key"], keys["name_key"]) == ("mueller", "")
    keys = keys_for({"name": "Hans Müller 12345678", "street": "Packstation 105"})
    assert keys["name_key"] == "hans mueller"
    assert (keys["packstation"], keys["postnummer"]) == ("packstation", "12345678")
