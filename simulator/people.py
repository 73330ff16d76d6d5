"""German/EU buyers and addresses, with the spelling variety real orders show."""

import re

FIRST_M = [
    "Jürgen",
    "Jörg",
    "Björn",
    "Sören",
    "Günter",
    "Uwe",
    "Hans",
    "Peter",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Lukas",
    "Jonas",
    "Leon",
    "Felix",
    "Maximilian",
    "Paul",
    "Klaus",
    "Dieter",
    "Mehmet",
]
FIRST_F = [
    "Anna",
    "Maria",
    "Julia",
    "Laura",
    "Lena",
    "Sophie",
    "Katharina",
    "Sabine",
    "Petra",
    "Ursula",
    "Monika",
    "Käthe",
    "Jana",
    "Ayşe",
    "Zoë",
    "Bärbel",
    "Jürgine",
    "Renée",
    "Hannelore",
    "Elif",
]
LAST = [
    "Müller",
    "Schäfer",
    "Köhler",
    "Groß",
    "Weiß",
    "Krüger",
    "Jäger",
    "Böhm",
    "Schröder",
    "Hoffmann",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hartmann",
    "Lange",
    "Schmitz",
    "Krause",
    "Lehmann",
    "Schulze",
    "König",
    "Möller",
    "Günther",
    "Kühn",
    "Krämer",
    "Weißmann",
    "Vogel",
    "Strauß",
    "Öztürk",
    "Nowak",
    "Fuß",
    "Bäcker",
    "Meißner",
    "Dreßler",
    "Große",
    "Löffler",
    "Pöschl",
    "Müller-Lüdenscheidt",
    "von_der_Höh",
    "Mueller",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schloßstraße",
    "Gartenstraße",
    "Goethestraße",
    "Schillerstraße",
    "Mühlenstraße",
    "Lindenstraße",
    "Königstraße",
    "Friedrich-Ebert-Straße",
    "Jägerstraße",
    "Weißdornweg",
    "Rosenweg",
    "Kirchweg",
    "Grüner_Weg",
    "Am_Mühlbach",
    "Berliner_Straße",
    "Große_Bleichen",
    "Lößnitzstraße",
    "Marktplatz",
    "Fußgängerweg",
    "Am_Großen_Garten",
    "Höhenweg",
    "Brückenstraße",
]
# (postal code, city)
CITIES = (
    ("80331", "München"),
    ("10115", "Berlin"),
    ("20095", "Hamburg"),
    ("50667", "Köln"),
    ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"),
    ("40213", "Düsseldorf"),
    ("90402", "Nürnberg"),
    ("01067", "Dresden"),
    ("04109", "Leipzig"),
    ("30159", "Hannover"),
    ("28195", "Bremen"),
    ("48143", "Münster"),
    ("79098", "Freiburg im Breisgau"),
    ("02826", "Görlitz"),
    ("97070", "Würzburg"),
    ("21335", "Lüneburg"),
    ("66111", "Saarbrücken"),
    ("35390", "Gießen"),
    ("90762", "Fürth"),
    ("41061", "Mönchengladbach"),
    ("06667", "Weißenfels"),
    ("99423", "Weimar"),
    ("83471", "Berchtesgaden"),
    ("18055", "Rostock"),
)
CITY_VARIANTS = {
    "Frankfurt am Main": ("Frankfurt a. M.", "Frankfurt/Main", "Frankfurt"),
    "Freiburg im Breisgau": ("Freiburg i. Br.", "Freiburg"),
    "München": ("Muenchen", "MÜNCHEN"),
    "Köln": ("Koeln", "Cologne"),
}
COMPANIES = (
    "{last} GmbH",
    "{last} & Söhne KG",
    "Praxis Dr. {last}",
    "{last} Haustechnik e.K.",
    "Bäckerei {last}",
    "{last} Büroservice UG",
)
FOREIGN = {
    "FR": (
        ("Jean", "Camille", "Léa", "François"),
        ("Dupont", "Lefèvre", "Bérard"),
        ("12 Rue de la Paix", "3 bis Avenue Foch", "45 Boulevard Saint-Michel"),
        (("75002", "Paris"), ("69001", "Lyon"), ("13001", "Marseille")),
    ),
    "IT": (
        ("Giulia", "Marco", "Niccolò"),
        ("Rossi", "Bianchi", "D'Angelo"),
        ("Via Roma 12", "Corso Vittorio Emanuele II 5", "Piazza del Popolo 3/A"),
        (("00184", "Roma"), ("20121", "Milano"), ("50122", "Firenze")),
    ),
    "ES": (
        ("José", "María", "Begoña"),
        ("García", "Núñez", "Fernández"),
        ("Calle Mayor 10, 2º B", "Avenida de la Constitución 4", "Plaza España 1"),
        (("28013", "Madrid"), ("08001", "Barcelona"), ("41001", "Sevilla")),
    ),
    "NL": (
        ("Daan", "Sanne", "Joëlle"),
        ("de Vries", "van den Berg", "Jansen"),
        ("Keizersgracht 123", "Stationsweg 5-II", "Dorpsstraat 7a"),
        (("1015 CJ", "Amsterdam"), ("3511 AA", "Utrecht"), ("2511 BT", "Den Haag")),
    ),
    "PL": (
        ("Łukasz", "Agnieszka", "Paweł"),
        ("Nowak", "Wiśniewski", "Wójcik"),
        ("ul. Marszałkowska 10/5", "ul. Długa 3", "al. Jerozolimskie 44 m. 12"),
        (("00-001", "Warszawa"), ("30-001", "Kraków"), ("80-001", "Gdańsk")),
    ),
    "SE": (
        ("Åsa", "Björn", "Linnéa"),
        ("Andersson", "Öberg", "Lindqvist"),
        ("Drottninggatan 5", "Storgatan 12 lgh 1102", "Kungsgatan 3"),
        (("111 51", "Stockholm"), ("411 01", "Göteborg"), ("211 20", "Malmö")),
    ),
    "BE": (
        ("Lucas", "Emma", "Noël"),
        ("Peeters", "Janssens", "Dubois"),
        ("Rue Neuve 25", "Meir 50 bus 3", "Avenue Louise 120"),
        (("1000", "Bruxelles"), ("2000", "Antwerpen"), ("4000", "Liège")),
    ),
}
DOMAINS = {
    "DE": "amazon.de",
    "FR": "amazon.fr",
    "IT": "amazon.it",
    "ES": "amazon.es",
    "NL": "amazon.nl",
    "PL": "amazon.pl",
    "SE": "amazon.se",
    "BE": "amazon.com.be",
}
UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def relay_email(rng, country):
    local = "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
        for _ in range(rng.randint(13, 16))
    )
    return f"{local}@marketplace.{DOMAINS.get(country, 'amazon.de')}"


def new_person(rng, key, country):
    """A canonical buyer identity; orders render it with spelling variants."""
    person = {"key": key, "country": country, "emails": [relay_email(rng, country)]}
    if country != "DE":
        firsts, lasts, streets, cities = FOREIGN[country]
        person.update(
            first=rng.choice(firsts),
            last=rng.choice(lasts),
            street=rng.choice(streets),
            number="",
            zip_city=rng.choice(cities),
            kind="home",
        )
        return person
    female = rng.random() < 0.5
    person.update(
        first=rng.choice(FIRST_F if female else FIRST_M),
        last=rng.choice(LAST).replace("_", " "),
        title="Dr. " if rng.random() < 0.05 else "",
        street=rng.choice(STREETS).replace("_", " "),
        number=_house_number(rng),
        zip_city=rng.choice(CITIES),
        phone=f"0{rng.randint(30, 9999)} {rng.randint(100000, 9999999)}",
        kind=_kind(rng),
    )
    if person["kind"] == "packstation":
        person["packstation"] = str(rng.randint(101, 399))
        person["postnummer"] = str(rng.randint(10000000, 99999999))
    elif person["kind"] == "co":
        person["co"] = f"c/o {rng.choice(FIRST_F + FIRST_M)} {rng.choice(LAST)}"
    elif person["kind"] == "company":
        person["company"] = rng.choice(COMPANIES).format(last=person["last"])
        digits = "".join(str(rng.randrange(10)) for _ in range(9))
        person["vat_id"] = german_vat_id(
            (digits[0] if digits[0] != "0" else "1") + digits[1:8]
        )
    return person


def german_vat_id(body):
    """DE + 8 digits + the ISO 7064 MOD 11,10 check digit (a valid USt-IdNr.,
    as Amazon only accepts validated VAT ids from business buyers)."""
    check = 5
    for digit in body:
        check = (((check or 10) * 2) % 11 + int(digit)) % 10
    return f"DE{body}{(1 - ((check or 10) * 2) % 11) % 10}"


def _kind(rng):
    roll = rng.random()
    if roll < 0.08:
        return "packstation"
    if roll < 0.14:
        return "co"
    return "company" if roll < 0.26 else "home"


def _house_number(rng):
    n = rng.randint(1, 180)
    roll = rng.random()
    if roll < 0.15:
        return f"{n}{rng.choice('abc')}"
    if roll < 0.22:
        return f"{n}-{n + 2}"
    return str(n)


def spell_name(rng, person, vary):
    first, last = person["first"], person["last"]
    if not vary:
        return f"{person.get('title', '')}{first} {last}"
    roll = rng.random()
    if roll < 0.35:
        return f"{first} {last}".translate(UMLAUTS)
    if roll < 0.55:
        return f"{first[0]}. {last}"
    if roll < 0.7:
        return f"{first} {last}".upper()
    if roll < 0.85:
        return f"{last}, {first}"
    return f"{first.lower()} {last.lower()}"


def spell_street(rng, street, vary):
    if not vary:
        return street
    roll = rng.random()
    if roll < 0.3:
        return re.sub(r"(?<=\w)straße\b", "str.", re.sub(r"\bStraße\b", "Str.", street))
    if roll < 0.55:
        return street.replace("ß", "ss")
    if roll < 0.7:
        return street.translate(UMLAUTS)
    return re.sub(r"(?<=\w)straße\b", " Straße", street) if roll < 0.8 else street


def spell_number(rng, number, vary):
    if not vary or not number:
        return number
    m = re.fullmatch(r"(\d+)([a-z]?)(?:-(\d+))?", number)
    if m.group(2):
        return rng.choice(
            (
                f"{m.group(1)} {m.group(2)}",
                f"{m.group(1)}{m.group(2).upper()}",
                f"{m.group(1)} {m.group(2).upper()}",
            )
        )
    if m.group(3):
        return rng.choice(
            (
                f"{m.group(1)} - {m.group(3)}",
                f"{m.group(1)}–{m.group(3)}",
                f"{m.group(1)}/{m.group(3)}",
            )
        )
    return number


def spell_city(rng, city, vary):
    if vary and city in CITY_VARIANTS and rng.random() < 0.6:
        return rng.choice(CITY_VARIANTS[city])
    return city.translate(UMLAUTS) if vary and rng.random() < 0.2 else city


def address(rng, person, vary, with_phone):
    """Render a CustomerAddress for ``person`` (``vary``: use spelling variants)."""
    name = spell_name(rng, person, vary)
    postal, city = person["zip_city"]
    country = "GB" if person["country"] == "UK" else person["country"]
    street = spell_street(rng, person["street"], vary)
    line1 = f"{street} {spell_number(rng, person['number'], vary)}".strip()
    addr = {
        "name": name,
        "addressLine1": line1,
        "city": spell_city(rng, city, vary),
        "postalCode": postal,
        "countryCode": country,
        "addressType": "RESIDENTIAL",
    }
    kind = person["kind"]
    if kind == "packstation":
        station = f"Packstation {person['packstation']}"
        lines = rng.choice(
            (
                (station, person["postnummer"]),
                (person["postnummer"], station),
                (f"{station} {person['postnummer']}", ""),
            )
        )
        addr.update(
            addressLine1=lines[0], addressLine2=lines[1], addressType="PICKUP_POINT"
        )
        if rng.random() < 0.3:
            addr["name"] = f"{name} {person['postnummer']}"
    elif kind == "co":
        if rng.random() < 0.5:
            addr["addressLine2"] = person["co"]
        else:
            addr.update(addressLine1=person["co"], addressLine2=line1)
    elif kind == "company":
        addr.update(companyName=person["company"], addressType="COMMERCIAL")
    if with_phone and person.get("phone"):
        addr["phone"] = person["phone"] if not vary else "+49 " + person["phone"][1:]
    return {k: v for k, v in addr.items() if v != ""}
