"""Storable text: NUL characters and lone surrogates are refused, everything else passes."""

import pytest
from pydantic import BaseModel, ValidationError

from shared.text import StorableText, storable


class Body(BaseModel):
    note: StorableText


@pytest.mark.parametrize("bad", ["a\x00b", "\x00", "x\ud800y"])
def test_text_postgresql_cannot_store_is_refused(bad):
    with pytest.raises(ValueError):
        storable(bad)
    with pytest.raises(ValidationError):
        Body(note=bad)


@pytest.mark.parametrize("good", ["", "Grüße, Straße 5", "emoji 🙂", "tab\tand\nnewline"])
def test_other_text_and_other_values_pass_unchanged(good):
    assert storable(good) == good
    assert Body(note=good).note == good
    assert storable(5) == 5 and storable(None) is None
