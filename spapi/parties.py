"""Buyer and address blocks of a v2026 order (personal data: never log)."""

from dataclasses import dataclass


def _text(block, key):
    value = block.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


@dataclass(frozen=True, repr=False)
class Address:
    name: str | None
    company: str | None
    street: str | None
    street2: str | None
    street3: str | None
    city: str | None
    zip: str | None
    state: str | None
    county: str | None
    municipality: str | None
    country_code: str | None
    phone: str | None
    address_type: str | None  # RESIDENTIAL, COMMERCIAL, PICKUP_POINT

    @classmethod
    def from_api(cls, raw):
        """``CustomerAddress`` dict -> Address, or None when absent/empty."""
        if not isinstance(raw, dict) or not raw:
            return None
        country = _text(raw, "countryCode")
        return cls(
            name=_text(raw, "name"),
            company=_text(raw, "companyName"),
            street=_text(raw, "addressLine1"),
            street2=_text(raw, "addressLine2"),
            street3=_text(raw, "addressLine3"),
            city=_text(raw, "city"),
            zip=_text(raw, "postalCode"),
            state=_text(raw, "stateOrRegion"),
            county=_text(raw, "districtOrCounty"),
            municipality=_text(raw, "municipality"),
            country_code=country.upper() if country else None,
            phone=_text(raw, "phone"),
            address_type=_text(raw, "addressType"),
        )

    def __repr__(self):  # keep personal data out of logs and tracebacks
        return f"Address(country_code={self.country_code!r}, ...)"


@dataclass(frozen=True, repr=False)
class Buyer:
    name: str | None
    company: str | None
    email: str | None  # Amazon relay address
    purchase_order_number: str | None
    vat_id: str | None
    vat_type: str | None  # VAT, BUSINESS, CST, CPF, CNPJ
    legal_name: str | None
    vat_address: Address | None

    @classmethod
    def from_api(cls, buyer, tax):
        """``buyer`` block plus the BUYER entry of ``tax.taxRegistrations``."""
        buyer = buyer if isinstance(buyer, dict) else {}
        registration = _buyer_registration(tax)
        if not buyer and not registration:
            return None
        return cls(
            name=_text(buyer, "buyerName"),
            company=_text(buyer, "buyerCompanyName")
            or _text(registration, "legalName"),
            email=_text(buyer, "buyerEmail"),
            purchase_order_number=_text(buyer, "buyerPurchaseOrderNumber"),
            vat_id=_text(registration, "taxRegistrationNumber"),
            vat_type=_text(registration, "taxRegistrationType"),
            legal_name=_text(registration, "legalName"),
            vat_address=Address.from_api(registration.get("taxRegistrationAddress")),
        )

    def __repr__(self):
        return f"Buyer(vat_id={'set' if self.vat_id else None}, ...)"


def _buyer_registration(tax):
    if not isinstance(tax, dict):
        return {}
    for entry in tax.get("taxRegistrations") or ():
        if isinstance(entry, dict) and entry.get("entityType", "BUYER") == "BUYER":
            return entry
    return {}
