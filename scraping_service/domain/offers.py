"""Treatment descriptions → offers, German language names → ISO 639-1, accessibility hints."""

from __future__ import annotations

from collections.abc import Iterable

Offer = tuple[str, str, str]  # (procedure, age_group, setting)

_PROCEDURES = (
    ("verhaltens", "VT"),
    ("tiefenpsycholog", "TP"),
    ("analytisch", "AP"),
    ("systemisch", "ST"),
)
_AGE_GROUPS = (
    ("erwachsen", "adults"),
    ("kinder", "children_adolescents"),
    ("jugend", "children_adolescents"),
)
_SETTINGS = (("einzel", "individual"), ("gruppe", "group"))
LANGUAGES = {
    "albanisch": "sq",
    "arabisch": "ar",
    "bosnisch": "bs",
    "bulgarisch": "bg",
    "chinesisch": "zh",
    "dänisch": "da",
    "englisch": "en",
    "farsi": "fa",
    "finnisch": "fi",
    "französisch": "fr",
    "griechisch": "el",
    "hebräisch": "he",
    "hindi": "hi",
    "italienisch": "it",
    "japanisch": "ja",
    "koreanisch": "ko",
    "kroatisch": "hr",
    "kurdisch": "ku",
    "niederländisch": "nl",
    "norwegisch": "no",
    "persisch": "fa",
    "polnisch": "pl",
    "portugiesisch": "pt",
    "rumänisch": "ro",
    "russisch": "ru",
    "schwedisch": "sv",
    "serbisch": "sr",
    "slowakisch": "sk",
    "spanisch": "es",
    "tschechisch": "cs",
    "türkisch": "tr",
    "ukrainisch": "uk",
    "ungarisch": "hu",
    "urdu": "ur",
    "vietnamesisch": "vi",
}
NOT_LANGUAGES = frozenset({"deutsch", "gebärdensprache", "deutsche gebärdensprache"})
_BARRIER_FREE = ("rollstuhl", "barrierefrei", "stufenlos", "ebenerdig")
_NEGATIONS = ("nicht", "kein", "eingeschränkt")


def offers_in(description: str) -> list[Offer] | None:
    """The offers one description names: [] for a service (Sprechstunde, Akutbehandlung, ...),
    None when it names a procedure but no age group; settings default to individual."""
    text = description.lower()
    procedures = _matches(text, _PROCEDURES)
    if not procedures:
        return []
    ages = _matches(text, _AGE_GROUPS)
    if not ages:
        return None
    settings = _matches(text, _SETTINGS) or ["individual"]
    return [
        (procedure, age, setting)
        for procedure in procedures
        for age in ages
        for setting in settings
    ]


def sorted_offers(offers: Iterable[Offer]) -> list[Offer]:
    """Each offer once: VT, TP, AP, ST; adults first; individual before group."""
    return sorted(set(offers), key=_offer_order)


def _matches(text: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    found: list[str] = []
    for needle, value in table:
        if needle in text and value not in found:
            found.append(value)
    return found


def _offer_order(offer: Offer) -> tuple[int, int, int]:
    procedures = [code for _, code in _PROCEDURES]
    return (procedures.index(offer[0]), offer[1] != "adults", offer[2] != "individual")


def is_assumed_language(name: str) -> bool:
    """German (and sign language) is assumed of every practice: no code is recorded for it."""
    return not name or name.lower() in NOT_LANGUAGES


def language_code(name: str) -> str | None:
    """The ISO 639-1 code of a German language name ("Englisch" → "en"); None when unknown."""
    return LANGUAGES.get(name.lower())


def is_barrier_free_hint(text: str) -> bool:
    """True for a hint like "rollstuhlgerecht" or "stufenlos", unless it is negated."""
    lowered = text.lower()
    return any(word in lowered for word in _BARRIER_FREE) and not any(
        negation in lowered for negation in _NEGATIONS
    )
