"""Table-driven tests of scoring decisions (balanced preset)."""

import pytest

from matching.normalize import keys_for
from matching.scoring import PRESETS, Criterion, decide, score

STORED = {
    "name": "Hans Müller",
    "street": "Hauptstraße 5a",
    "zip": "10115",
    "city": "Berlin",
    "country_code": "DE",
    "phone": "030 1234567",
    "amazon_buyer_email": "abc123@marketplace.amazon.de",
}
COMPANY = {
    "name": "Farben Schultze GmbH & Co. KG",
    "street": "Zweenfurther Straße 1",
    "zip": "04318",
    "city": "Leipzig",
    "country_code": "DE",
    "vat": "DE136695976",
}


def _decide(incoming, stored=STORED, preset="balanced"):
    criteria, link, review = PRESETS[preset]
    result = score(keys_for(incoming), keys_for(stored), criteria, candidate_id=1)
    return decide([result], link, review)[0], result


def _with(base, **changes):
    return {**base, **changes}


@pytest.mark.parametrize(
    "incoming",
    [
        _with(STORED, amazon_buyer_email="", phone=""),
        _with(STORED, name="Mueller, Hans", street="Hauptstr. 5 A", phone=""),
        _with(STORED, name="Herr Dr. Hans Müller", street="Haupt Straße 5a"),
        _with(STORED, name="HANS MUELLER", street="hauptstrasse 5a", phone=""),
        _with(STORED, name="Hans Mülelr", amazon_buyer_email=""),
        _with(STORED, name="Hans Peter Müller", amazon_buyer_email="", phone=""),
        _with(STORED, street="EG links", street2="Hauptstr. 5a", amazon_buyer_email=""),
        _with(STORED, street="Beispielweg 9", zip="80331", city="München"),
    ],
    ids=["exact", "order+str", "title", "case", "typo", "middle", "floor", "moved"],
)
def test_repeat_buyer_with_spelling_variants_is_linked(incoming):
    assert _decide(incoming)[0] == "link"


@pytest.mark.parametrize("given", ["Karl Heinz", "Karlheinz", "KARL-HEINZ"])
def test_double_given_name_spellings_are_one_person(given):
    stored = _with(STORED, name="Karl-Heinz Müller")
    incoming = _with(stored, name=f"{given} Müller", amazon_buyer_email="", phone="")
    assert _decide(incoming, stored)[0] == "link"


@pytest.mark.parametrize(
    ("incoming", "reason"),
    [
        (_with(STORED, name="Anna Müller", amazon_buyer_email="", phone=""), "given"),
        (
            _with(
                STORED, name="Anna Müller", amazon_buyer_email="", phone="030 1234567"
            ),
            "given",
        ),
        (_with(STORED, name="Hanna Müller", amazon_buyer_email="", phone=""), "given"),
        (
            _with(STORED, name="Karl-Ernst Müller", amazon_buyer_email="", phone=""),
            "given",
        ),
        (
            _with(STORED, name="Christiane Müller", amazon_buyer_email="", phone=""),
            "given",
        ),
    ],
)
def test_household_member_is_never_linked(incoming, reason):
    decision, result = _decide(incoming)
    assert decision != "link"
    assert result.blocked_reason == "given_name_conflict"


@pytest.mark.parametrize(
    "incoming",
    [
        _with(
            STORED,
            name="Peter Schmidt",
            street="Hauptstr. 7",
            amazon_buyer_email="",
            phone="",
        ),
        _with(STORED, street="Hauptstr. 7", amazon_buyer_email="", phone=""),
        _with(STORED, street="Hauptstr. 5b", amazon_buyer_email="", phone=""),
    ],
    ids=["other-name", "same-name", "other-suffix"],
)
def test_neighbour_is_not_linked(incoming):
    assert _decide(incoming)[0] != "link"


def test_namesake_in_other_city_is_new():
    incoming = _with(
        STORED,
        street="Lindenweg 3",
        zip="80331",
        city="München",
        phone="",
        amazon_buyer_email="",
    )
    assert _decide(incoming)[0] == "new"


@pytest.mark.parametrize(
    ("incoming", "decision"),
    [
        (_with(COMPANY, name="Farben Schultze GmbH & Co KG", vat=""), "link"),
        (
            _with(
                COMPANY,
                name="Hans Meier",
                street="Farben Schultze GmbH & Co. KG",
                street2="Zweenfurther Str. 1",
            ),
            "link",
        ),
        (_with(COMPANY, street="Ringstr. 4", zip="01067", city="Dresden"), "link"),
        (_with(COMPANY, vat="DE129273398"), "new"),
        (_with(COMPANY, name="Farben Schultze AG", vat=""), "link"),
    ],
    ids=["no-vat", "company-in-line1", "vat-identifies", "other-vat", "legal-form"],
)
def test_business_buyers(incoming, decision):
    assert _decide(incoming, COMPANY)[0] == decision


def test_amazon_relay_email_identifies():
    incoming = _with(STORED, street="Packstation 105", zip="10117", phone="")
    decision, result = _decide(incoming)
    assert (decision, result.identified_by) == ("link", "amazon_email")


def test_missing_values_are_neutral():
    incoming = {"name": "Hans Müller", "street": "Hauptstr. 5a", "zip": "10115"}
    decision, result = _decide(incoming)
    assert decision == "link"
    assert "city" not in result.disagreed and "phone" not in result.disagreed


def test_two_linkable_candidates_tie_goes_to_review():
    criteria, link, review = PRESETS["balanced"]
    keys = keys_for(STORED)
    results = [score(keys, keys, criteria, candidate_id=pid) for pid in (1, 2)]
    assert decide(results, link, review)[0] == "review"


@pytest.mark.parametrize(
    ("incoming", "expected"),
    [
        # a merely similar name elsewhere in the same town: another customer
        (
            {
                "name": "Hanna Möller",
                "street": "Lindenweg 2",
                "zip": "10115",
                "city": "Berlin",
                "country_code": "DE",
            },
            "new",
        ),
        # the same name elsewhere in the same town: moved, or a namesake
        (
            {
                "name": "Hans Müller",
                "street": "Lindenweg 2",
                "zip": "10115",
                "city": "Berlin",
                "country_code": "DE",
            },
            "review",
        ),
    ],
    ids=["similar-name-same-town", "same-name-same-town"],
)
def test_review_needs_more_than_the_locality(incoming, expected):
    assert _decide(incoming)[0] == expected


def test_review_skips_a_locality_only_candidate_for_a_closer_one():
    criteria, link, review = PRESETS["balanced"]
    incoming = keys_for(
        {
            "name": "Hans Müller",
            "street": "Lindenweg 2",
            "zip": "10115",
            "city": "Berlin",
            "country_code": "DE",
        }
    )
    locality = keys_for(_with(STORED, name="Hanna Möller", street="Lindenweg 4"))
    namesake = keys_for(_with(STORED, street="Parkstraße 9"))
    results = [
        score(incoming, locality, criteria, candidate_id=1),
        score(incoming, namesake, criteria, candidate_id=2),
    ]
    decision, best = decide(results, link, review)
    assert (decision, best.candidate) == ("review", 2)


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        ("Lindenweg 2", "link"),
        ("Lindenstraße 2", "review"),  # another street: moved or a namesake
        ("Lindenallee 2", "review"),
    ],
)
def test_street_types_tell_streets_apart(street, expected):
    stored = _with(STORED, street="Lindenweg 2", phone="", amazon_buyer_email="")
    incoming = _with(stored, name="Hans Moeller", street=street)
    assert _decide(incoming, stored)[0] == expected


@pytest.mark.parametrize(
    ("stored_street", "street"),
    [
        ("Ringweg 5", "Ringstraße 5"),  # the type word inside the name
        ("Ring 5", "Ringstraße 5"),
        ("Dammweg 5", "Dammstraße 5"),
        ("Lindenweg 2", "Lindenstraße 2"),
    ],
)
@pytest.mark.parametrize("preset", ["strict", "balanced", "tolerant"])
def test_the_last_street_type_counts(stored_street, street, preset):
    stored = _with(STORED, street=stored_street, phone="", amazon_buyer_email="")
    incoming = _with(stored, name="Hans Moeller", street=street)
    assert _decide(incoming, stored, preset)[0] != "link"


def test_similar_street_of_the_same_type_is_not_the_same_street():
    """Gartenstraße 5 / Goethestraße 5 with a merely similar name: only the
    town in common, so a new customer, not a review."""
    stored = _with(STORED, street="Gartenstraße 5", phone="", amazon_buyer_email="")
    incoming = _with(stored, name="Hanns Maier", street="Goethestraße 5")
    assert _decide(incoming, stored)[0] == "new"


def test_same_street_other_suffix_is_reviewed():
    """No name to compare, the same house but another suffix: a person looks."""
    incoming = {"street": "Hauptstraße 5b", "zip": "10115", "city": "Berlin"}
    decision, result = _decide(_with(incoming, country_code="DE"))
    assert (decision, result.near_street) == ("review", True)


def test_no_candidates_is_new():
    assert decide([], 85, 70) == ("new", None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"field": "shoe_size", "weight": 1},
        {"field": "name", "weight": 1, "comparison": "soundex"},
        {"field": "name", "weight": 1, "role": "maybe"},
    ],
)
def test_criterion_rejects_unknown_values(kwargs):
    with pytest.raises(ValueError):
        Criterion(**kwargs)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_are_ordered(preset):
    criteria, link, review = PRESETS[preset]
    assert 0 < review < link <= 100
    assert {c.field for c in criteria} >= {"name", "street", "zip", "city"}


@pytest.mark.parametrize(
    ("name", "preset", "expected"),
    [
        ("Müller", "balanced", "link"),  # surname only: missing is neutral
        ("Müller", "strict", "review"),  # … but proves less (92 %)
        ("Hans", "balanced", "link"),  # given name only
        ("HansMüller", "strict", "link"),  # glued
        ("MüllerHans", "balanced", "link"),
        # a household member: same address, another name, never linked
        ("AnnaMüller", "balanced", "review"),
        ("Anna", "balanced", "review"),
    ],
)
def test_single_word_names(name, preset, expected):
    incoming = _with(STORED, name=name, phone="", amazon_buyer_email="")
    assert _decide(incoming, preset=preset)[0] == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"zip": "10785"}, "link"),  # same name, street and town: a zip typo
        ({"city": "Bern", "zip": "10115"}, "link"),  # town typo
        ({"zip": "10785", "name": "Peter Schmidt"}, "new"),  # another person
    ],
)
def test_zip_or_town_typo_is_neutral_with_name_and_street(changes, expected):
    incoming = _with(STORED, phone="", amazon_buyer_email="", **changes)
    assert _decide(incoming)[0] == expected


def test_zip_typo_is_not_neutral_without_the_name():
    """A person's order at a company's street and town, another zip: another
    "Hauptstraße" of the town, not a typo."""
    criteria = PRESETS["balanced"][0]
    company = keys_for(_with(COMPANY, street="Hauptstraße 5a", city="Berlin"))
    incoming = keys_for(_with(STORED, zip="10785", phone="", amazon_buyer_email=""))
    result = score(incoming, company, criteria, candidate_id=1)
    assert result.disagreed["zip"] == 0.0
    assert result.score < 75.0


def test_one_missing_house_number_costs_five_percent():
    stored = _with(STORED, street="Hauptstraße", phone="", amazon_buyer_email="")
    incoming = _with(stored, street="Hauptstrasse 5a")
    decision, result = _decide(incoming, stored)
    assert (decision, result.agreed["street"]) == ("link", 95.0)
