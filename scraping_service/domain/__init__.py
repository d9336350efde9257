"""Pure rules of the scraping service (standard library only): parsing, normalising, changes."""

from .changes import ChangeSet, Disappearance, FieldChange, Known, Seen, field_diff, plan_changes
from .contacts import clean_postal_code, clean_website, split_street, valid_coordinates
from .hours import fold_opening_hours
from .names import PersonName, gender_of, parse_person
from .offers import barrier_free, fachgebiete, languages_from, offers_from
from .runs import FINISHED, STOP_SWITCH, RunStatus
from .text import clean
from .tiling import Tile, subdivide

__all__ = [
    "FINISHED",
    "STOP_SWITCH",
    "ChangeSet",
    "Disappearance",
    "FieldChange",
    "Known",
    "PersonName",
    "RunStatus",
    "Seen",
    "Tile",
    "barrier_free",
    "clean",
    "clean_postal_code",
    "clean_website",
    "fachgebiete",
    "field_diff",
    "fold_opening_hours",
    "gender_of",
    "languages_from",
    "offers_from",
    "parse_person",
    "plan_changes",
    "split_street",
    "subdivide",
    "valid_coordinates",
]
