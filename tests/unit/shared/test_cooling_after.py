"""Which answers start a cooling period: every answer by default (docs/domain.md), or every
answer without an acceptance (COOLING_AFTER=not_after_acceptance)."""

import pytest

from shared import rules
from shared.vocabulary import CoolingAfter, ResponseOutcome, answer_starts_cooling

ANY, NOT_AFTER = CoolingAfter.ANY_ANSWER, CoolingAfter.NOT_AFTER_ACCEPTANCE


@pytest.mark.parametrize("outcome", list(ResponseOutcome))
def test_by_default_every_answer_starts_cooling(outcome):
    assert CoolingAfter(rules.COOLING_AFTER) is ANY
    assert answer_starts_cooling([outcome], ANY)


def test_the_alternative_spares_answers_that_accept_a_patient():
    assert not answer_starts_cooling(["accepted"], NOT_AFTER)
    assert not answer_starts_cooling(["rejected_no_capacity", "accepted"], NOT_AFTER)
    assert answer_starts_cooling(["rejected_no_capacity", "no_show"], NOT_AFTER)
