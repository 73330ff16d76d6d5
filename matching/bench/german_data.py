"""Seeded generator of German partners and Amazon orders for ``german.py``."""


def _split(text):
    """Words of ``text`` in order."""
    return text.split()


GIVEN = _split(
    """
    Hans Peter Klaus Jürgen Michael Thomas Andreas Stefan Frank Uwe Wolfgang
    Karl-Heinz Karl Günter Jörg Matthias Christian Alexander Sebastian Tobias Jan
    Lukas Felix Maximilian Jonas Leon Paul Björn Sören Ömer Anna Maria Ursula Monika
    Petra Sabine Andrea Claudia Susanne Birgit Julia Katharina Laura Lea Sophie
    Hannah Lena Jürgen Gisela Renate Brigitte Ingrid Helga Käthe Jutta Doris Silke
    Heike Anja Nicole Simone Melanie Christiane Daniela Michaela Franziska Johanna
    Charlotte Emilia Friederike Annegret Hans-Jürgen Ernst Otto Dieter Horst Manfred
    Rüdiger
    """
)
SURNAMES = _split(
    """
    Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
    Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun
    Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid
    Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang
    Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank
    Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig
    Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß
    Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn
    Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer
    Müller-Lüdenscheidt
    """
)
PARTICLE_NAMES = ["von der Heide", "von Bülow", "van Dijk", "de Vries", "zu Guttenberg"]
STREETS = _split(
    """
    Haupt Bahnhof Garten Schul Dorf Kirch Wald Ring Berg Linden Sonnen Wiesen Post
    Feld Birken Rosen Mühlen Goethe Schiller Friedhof Eichen Park Tal Buchen Markt
    Mozart Am-Anger Beethoven Kastanien Industrie Lessing Jahn Uhland Bismarck Heine
    Blumen Poststraßen-Kreuz Fichten Tannen Ahorn Wilhelm Kant Königs Fröbel Höhen
    Müller-Lüdenscheidt Brunnen Kreuz Hölderlin Grüner-Weg Talblick Weiher Moor
    """
)
STREET_TYPES = ["straße", "weg", "platz", "allee", "gasse", "ring", "damm"]
CITIES = [
    ("Berlin", "10"),
    ("Hamburg", "20"),
    ("München", "80"),
    ("Köln", "50"),
    ("Frankfurt am Main", "60"),
    ("Stuttgart", "70"),
    ("Düsseldorf", "40"),
    ("Leipzig", "04"),
    ("Dortmund", "44"),
    ("Essen", "45"),
    ("Bremen", "28"),
    ("Dresden", "01"),
    ("Hannover", "30"),
    ("Nürnberg", "90"),
    ("Duisburg", "47"),
    ("Bochum", "44"),
    ("Wuppertal", "42"),
    ("Bielefeld", "33"),
    ("Bonn", "53"),
    ("Münster", "48"),
    ("Mannheim", "68"),
    ("Karlsruhe", "76"),
    ("Augsburg", "86"),
    ("Wiesbaden", "65"),
    ("Mönchengladbach", "41"),
    ("Gelsenkirchen", "45"),
    ("Aachen", "52"),
    ("Braunschweig", "38"),
    ("Kiel", "24"),
    ("Chemnitz", "09"),
    ("Halle (Saale)", "06"),
    ("Magdeburg", "39"),
    ("Freiburg im Breisgau", "79"),
    ("Krefeld", "47"),
    ("Mainz", "55"),
    ("Lübeck", "23"),
    ("Erfurt", "99"),
    ("Rostock", "18"),
    ("Kassel", "34"),
    ("Würzburg", "97"),
    ("Göttingen", "37"),
    ("Straßlach", "82"),
    ("Oer-Erkenschwick", "45"),
    ("Bad Tölz", "83"),
]
LEGAL = ["GmbH", "GmbH & Co. KG", "UG (haftungsbeschränkt)", "e.K.", "AG", "KG", "OHG"]
LEGAL_VARIANTS = {
    "GmbH": ["G.m.b.H.", "Gmbh", "GMBH"],
    "GmbH & Co. KG": ["GmbH & Co KG", "GmbH u. Co. KG", "GmbH und Co. KG"],
    "UG (haftungsbeschränkt)": ["UG (haftungsbeschraenkt)", "UG (haftungsbeschränkt)"],
    "e.K.": ["e. K.", "eK", "e.Kfm."],
    "AG": ["AG"],
    "KG": ["KG"],
    "OHG": ["oHG", "OHG"],
}
TRADES = _split(
    """
    Bäckerei Elektro Sanitär Dachdeckerei Autohaus Getränke Malerbetrieb Metallbau
    Druckerei Reisebüro Gartenbau Zahntechnik Fliesen Holzbau Computer Optik
    """
)
FLOORS = ["EG links", "EG", "1. OG rechts", "2. OG", "3. OG links", "Hinterhaus", "DG"]


def zipf_choice(rng, items):
    """Pick from ``items`` with Zipf-like frequencies (first items common)."""
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def new_address(rng):
    """Random street line parts and city of a new address."""
    base = zipf_choice(rng, STREETS)
    street_type = rng.choice(STREET_TYPES)
    city, prefix = rng.choice(CITIES)
    return {
        "street_name": f"{base}{street_type}",
        "number": str(rng.randint(1, 150)) + rng.choice(["", "", "", "", "a", "b"]),
        "zip": prefix + f"{rng.randint(0, 999):03d}",
        "city": city,
    }


def new_phone(rng):
    """Random valid German mobile or landline number."""
    if rng.random() < 0.5:
        return f"+49 151 {rng.randint(10**7, 10**8 - 1)}"
    return f"030 {rng.randint(2000000, 9999999)}"


def new_person(rng, pid, surname=None, address=None):
    """A private partner (optionally with a given surname / address)."""
    if surname is None:
        roll = rng.random()
        surname = (
            rng.choice(PARTICLE_NAMES) if roll < 0.03 else zipf_choice(rng, SURNAMES)
        )
    return {
        "id": pid,
        "given": zipf_choice(rng, GIVEN),
        "surname": surname,
        "company": "",
        "legal": "",
        **(address or new_address(rng)),
        "phone": new_phone(rng) if rng.random() < 0.7 else "",
        "amazon": f"{pid:x}{rng.randint(10**6, 10**7)}@marketplace.amazon.de",
        "vat": "",
    }


def new_company(rng, pid):
    """A business partner with legal form and, mostly, a valid VAT id."""
    person = new_person(rng, pid)
    owner = zipf_choice(rng, SURNAMES)
    person["company"] = f"{rng.choice(TRADES)} {owner}"
    person["legal"] = rng.choice(LEGAL)
    if rng.random() < 0.7:
        person["vat"] = valid_de_vat(rng)
    return person


def valid_de_vat(rng):
    """Random German VAT id with a correct check digit."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
    product = 10
    for digit in digits:
        total = (digit + product) % 10 or 10
        product = (2 * total) % 11
    check = (11 - product) % 10
    return "DE" + "".join(map(str, digits)) + str(check)
