"""`psy` strings → offers, `fs` → ISO 639-1 codes, `kvg` → barrier-free, `fg` → names."""

from __future__ import annotations

from typing import Any

from .text import as_list, clean

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


def offers_from(psy: Any) -> tuple[list[Offer], list[str]]:
    """Each string may name several procedures/age groups; settings default to individual."""
    offers: list[Offer] = []
    problems: list[str] = []
    for raw in as_list(psy):
        text = (clean(raw) or "").lower()
        procedures = _matches(text, _PROCEDURES)
        if not procedures:
            continue  # Sprechstunde, Akutbehandlung, ...: services, not procedures
        ages = _matches(text, _AGE_GROUPS)
        if not ages:
            problems.append(f"psy: no age group in {raw!r}")
            continue
        settings = _matches(text, _SETTINGS) or ["individual"]
        offers.extend((p, a, s) for p in procedures for a in ages for s in settings)
    return sorted(set(offers), key=_offer_order), problems


def _matches(text: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    found: list[str] = []
    for needle, value in table:
        if needle in text and value not in found:
            found.append(value)
    return found


def _offer_order(offer: Offer) -> tuple[int, int, int]:
    procedures = [p for _, p in _PROCEDURES]
    return (procedures.index(offer[0]), offer[1] != "adults", offer[2] != "individual")


def languages_from(fs: Any) -> tuple[list[str], list[str]]:
    """German names ("Englisch") → sorted ISO 639-1 codes; German itself is assumed."""
    codes: set[str] = set()
    problems: list[str] = []
    for raw in as_list(fs):
        name = (clean(_value(raw)) or "").lower()
        if not name or name in NOT_LANGUAGES:
            continue
        if name in LANGUAGES:
            codes.add(LANGUAGES[name])
        else:
            problems.append(f"fs: unknown language {raw!r}")
    return sorted(codes), problems


def barrier_free(kvg: Any) -> bool:
    """True if a "Barrierefreiheit" hint says wheelchair-accessible, step-free or the like."""
    for group in as_list(kvg):
        if not isinstance(group, dict) or "barriere" not in str(group.get("heading", "")).lower():
            continue
        for value in as_list(group.get("values")):
            text = (clean(_value(value)) or "").lower()
            if any(w in text for w in _BARRIER_FREE) and not any(n in text for n in _NEGATIONS):
                return True
    return False


def fachgebiete(fg: Any) -> list[str]:
    """Specialty names from `fg` given as strings or as `{"value": ...}` objects."""
    return [text for text in (clean(_value(v)) for v in as_list(fg)) if text]


def _value(raw: Any) -> Any:
    return raw.get("value") if isinstance(raw, dict) else raw
