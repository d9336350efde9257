"""Addresses as callers send them: postal codes, spellings, and the one-line Nominatim query."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

POSTAL_CODE = re.compile(r"^\d{5}$")
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s-]")
_STREET_SUFFIX = re.compile(r"(str\.?|strasse)$")


@dataclass(frozen=True)
class AddressQuery:
    """What a caller asks to geocode; every part is optional text."""

    street: str = ""
    house_number: str = ""
    postal_code: str = ""
    city: str = ""

    @property
    def has_street(self) -> bool:
        return bool(self.street.strip())


def normalise_postal_code(raw: str) -> str:
    """Strip spaces and a leading 'D-'; the result may still be invalid."""
    code = raw.strip().upper().replace(" ", "")
    return code[2:] if code.startswith("D-") else code


def is_valid_postal_code(raw: str) -> bool:
    """German postal codes are exactly five digits."""
    return bool(POSTAL_CODE.match(normalise_postal_code(raw)))


def normalise_text(raw: str) -> str:
    """Lower case, umlauts folded (ä→ae, ß→ss), punctuation dropped, spaces collapsed."""
    text = raw.strip().lower()
    for umlaut, folded in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, folded)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _PUNCTUATION.sub(" ", text.replace(".", ". "))
    return _SPACES.sub(" ", text).strip()


def normalise_street(raw: str) -> str:
    """A street name in one spelling: 'Lindenstr.' and 'Lindenstraße' become 'lindenstrasse'."""
    text = normalise_text(raw.replace(".", " "))
    return _STREET_SUFFIX.sub("strasse", text.replace(" strasse", "strasse"))


def normalise_query(query: AddressQuery) -> str:
    """The normalised address: equal for spellings that mean the same place."""
    parts = (
        normalise_street(query.street),
        normalise_text(query.house_number).replace(" ", ""),
        normalise_postal_code(query.postal_code),
        normalise_text(query.city),
    )
    return "|".join(parts)


def free_form_query(query: AddressQuery, country: str = "Deutschland") -> str:
    """One line for Nominatim's `q=`: 'Street 12, 52062 Aachen, Deutschland'."""
    street_parts = (query.street.strip(), query.house_number.strip())
    place_parts = (normalise_postal_code(query.postal_code), query.city.strip())
    street = " ".join(part for part in street_parts if part)
    place = " ".join(part for part in place_parts if part)
    return ", ".join(part for part in (street, place, country) if part)
