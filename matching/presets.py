"""Criterion definition and the calibrated strict / balanced / tolerant presets.

Each preset is ``(criteria, link_threshold, review_threshold)``; the values
were calibrated with ``matching/bench`` (see its README).
"""

from dataclasses import dataclass

FIELDS = (
    "name",
    "company",
    "street",
    "zip",
    "city",
    "country",
    "email",
    "phone",
    "vat",
    "amazon_email",
    "postnummer",
)
COMPARISONS = ("exact", "normalized", "fuzzy")
ROLES = ("must", "identifies", "tiebreak")


@dataclass(frozen=True)
class Criterion:
    """One matching criterion.

    ``role``: "must" blocks the candidate when both sides have a value and
    it disagrees; "identifies" identifies the customer on its own when equal;
    "tiebreak" only contributes its weight to the score.
    """

    field: str
    weight: float
    comparison: str = "fuzzy"
    min_similarity: float = 0.0
    role: str = "tiebreak"

    def __post_init__(self):
        """Reject unknown field, comparison or role names."""
        if self.field not in FIELDS:
            raise ValueError(f"unknown field {self.field!r}")
        if self.comparison not in COMPARISONS:
            raise ValueError(f"unknown comparison {self.comparison!r}")
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


def _criteria(name_min, street_min, identifiers):
    """Common criteria list with the given name / street floors."""
    return [
        Criterion("name", 0.40, "fuzzy", name_min),
        Criterion("company", 0.30, "fuzzy", 85.0),
        Criterion("street", 0.20, "fuzzy", street_min),
        Criterion("zip", 0.15, "fuzzy", 80.0),
        Criterion("city", 0.05, "fuzzy", 85.0),
        Criterion("country", 0.05, "exact", role="must"),
        *(Criterion(f, w, "exact", role="identifies") for f, w in identifiers),
    ]


_IDENTIFIERS = (
    ("vat", 0.30),
    ("amazon_email", 0.25),
    ("email", 0.20),
    ("phone", 0.15),
    ("postnummer", 0.20),
)

PRESETS = {
    "strict": (_criteria(94.0, 92.0, _IDENTIFIERS[:3]), 93.0, 80.0),
    "balanced": (_criteria(88.0, 88.0, _IDENTIFIERS), 85.0, 75.0),
    "tolerant": (_criteria(84.0, 84.0, _IDENTIFIERS), 80.0, 70.0),
}
