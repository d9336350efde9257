"""Working days of the horizon: Monday to Friday without German public holidays.

Days are integers counted from the scenario's start (day 0). Holidays are the nationwide ones
plus those of a Bundesland (`holidays` package, as communication's call slots use it); the
Bundesland of a postal code comes from communication_service/domain/regions.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from communication_service.domain.regions import federal_state

COUNTRY = "DE"


@lru_cache(maxsize=64)
def _holiday_days(start: date, horizon_days: int, region: str | None) -> frozenset[int]:
    years = sorted({(start + timedelta(days=d)).year for d in (0, horizon_days + 60)})
    table = holidays.country_holidays(COUNTRY, subdiv=region, years=years)
    return frozenset(d for d in range(horizon_days + 60) if (start + timedelta(days=d)) in table)


class WorkCalendar:
    """Which day numbers are working days, for one holiday region (None: nationwide only)."""

    def __init__(self, start: date, horizon_days: int, region: str | None = None) -> None:
        self.start, self.horizon_days, self.region = start, horizon_days, region
        self._holidays = _holiday_days(start, horizon_days, region)

    @classmethod
    def for_postal_code(cls, start: date, horizon_days: int, postal_code: str | None):
        """The calendar of the Bundesland a postal code lies in (nationwide when unknown)."""
        return cls(start, horizon_days, federal_state(postal_code))

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def weekday(self, day: int) -> int:
        """0 = Monday .. 6 = Sunday."""
        return self.date_of(day).weekday()

    def is_working_day(self, day: int) -> bool:
        return self.weekday(day) < 5 and day not in self._holidays

    def working_days(self) -> list[int]:
        """Every working day of the horizon, in order."""
        return [d for d in range(self.horizon_days) if self.is_working_day(d)]

    def next_working_day(self, day: int) -> int:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += 1
        return day

    def add_working_days(self, day: int, count: int) -> int:
        """The working day `count` working days after `day` (count >= 1)."""
        for _ in range(count):
            day = self.next_working_day(day + 1)
        return day


# The weekday keys of weekly windows (shared/weekly_windows.py), Monday first.
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
