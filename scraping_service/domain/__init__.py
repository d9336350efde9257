"""Pure rules of the scraping service: names, hours, offers, addresses, changes, runs, tiling."""

from .changes import ChangeSet, Disappearance, FieldChange, Known, Seen, field_diff, plan_changes
from .contacts import clean_postal_code, split_street, valid_coordinates
from .names import PersonName, gender_of, parse_person
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
    "clean",
    "clean_postal_code",
    "field_diff",
    "gender_of",
    "parse_person",
    "plan_changes",
    "split_street",
    "subdivide",
    "valid_coordinates",
]
