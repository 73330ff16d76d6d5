"""Shared helpers of the benchmarks: blocking and metric formatting."""

from collections import defaultdict


def blocking_keys(keys):
    """Cheap exact keys used to find candidates (like the SQL stage 1)."""
    surname, given = keys["surname_key"], keys["given_key"]
    street = keys["street_key"].replace(" ", "")
    found = [
        ("zip", keys["zip_key"]),
        ("street", f"{street}|{keys['house_number']}" if street else ""),
        ("surname", surname),
        ("given_zip", f"{given}|{keys['zip_key']}" if given else ""),
        ("sur_city", f"{surname}|{keys['city_key']}" if surname else ""),
        ("given_sur2", f"{given}|{surname[:2]}" if given and surname else ""),
        ("sur_given2", f"{surname}|{given[:2]}" if given and surname else ""),
        ("hn_zip", f"{keys['house_number']}|{keys['zip_key']}"),
        ("hn_city", f"{keys['house_number']}|{keys['city_key']}"),
        ("street4", f"{street[:4]}|{keys['zip_key']}" if street else ""),
        ("name_sorted", " ".join(sorted(keys["name_key"].split()))),
        ("company", keys["company_key"]),
        ("phone", keys["phone_key"]),
        ("email", keys["email_key"]),
        ("amazon", keys["amazon_email_key"]),
        ("vat", keys["vat_key"]),
        ("postnummer", keys["postnummer"]),
    ]
    return [(kind, value) for kind, value in found if value]


class BlockIndex:
    """In-memory index from blocking key to record ids."""

    def __init__(self, max_block=400):
        """Blocks larger than ``max_block`` are ignored (too common)."""
        self.blocks = defaultdict(list)
        self.max_block = max_block

    def add(self, record_id, keys):
        """Index ``record_id`` under all its blocking keys."""
        for key in blocking_keys(keys):
            self.blocks[key].append(record_id)

    def candidates(self, keys):
        """Ids sharing at least one (not too common) blocking key."""
        found = set()
        for key in blocking_keys(keys):
            block = self.blocks.get(key, ())
            if len(block) <= self.max_block:
                found.update(block)
        return found


def prf(true_positive, predicted, actual):
    """Precision, recall and F1 as a tuple of floats."""
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total else 0.0)


def fmt(label, precision, recall, f1, extra=""):
    """One aligned result line."""
    return f"{label:<38} P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f} {extra}"
