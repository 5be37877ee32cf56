"""Working-time calendars, so that an SLA of "PT24H" can mean three 8-hour working days.

A designer writes a deadline as a BPMN timer *date*: ``business_hours("PT24H", "shanghai")``.
SpiffWorkflow evaluates timer expressions as Python, so `business_hours_function` builds the
function to put in the script environment; it returns the deadline as an ISO 8601 UTC string.

Conventions (the tests pin each one):

- working time is real elapsed time inside the calendar's local working intervals, which are
  half-open: with 09:00-17:00, 17:00 itself is not working time;
- a start outside working time counts from the next working moment;
- a deadline that falls exactly on the end of an interval *is* that end: Monday 09:00 + PT24H
  with 8-hour days is Wednesday 17:00, not Thursday 09:00 (the same instant in working time);
- a zero duration gives the next working moment at or after the start;
- ``PnD`` is n working days, i.e. n times the calendar's daily working time: the deadline is
  the same local working time n working days later (Monday 09:00 + P3D = Wednesday 17:00 by
  the rule above); weeks, months and years are refused, their working length is ambiguous;
- whether a date is a working day is decided, first rule that applies: ``extra_holidays``
  (off), ``extra_workdays`` (on), the country's public holidays (off) and its make-up working
  days (on, e.g. China's weekend workdays), the ``workdays`` weekdays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

SEARCH_DAYS = 3653  # ten years: a deadline further away means a calendar without working time
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FIELDS = ("time_zone", "workdays", "hours", "holidays", "extra_holidays", "extra_workdays")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"P(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")
_CLOCK = re.compile(r"\d{2}:\d{2}(:\d{2})?")


def _invalid(name: str, field: str, problem: str) -> ValueError:
    return ValueError(f"calendar {name!r}: {field}: {problem}")


@lru_cache(maxsize=512)
def _country_days(country: str, subdivision: str | None, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays and make-up working days of one year; computing them is slow, so once."""
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    days_off = frozenset(day for day in found if day.year == year)
    days_on = frozenset(day for day in getattr(found, "weekend_workdays", ()) if day.year == year)
    return days_off, days_on


@dataclass(frozen=True)
class WorkCalendar:
    """When work happens: local working intervals on working days, in one time zone."""

    name: str
    time_zone: str
    workdays: frozenset[int] = frozenset(range(5))
    hours: tuple[tuple[time, time], ...] = ((time(9), time(18)),)
    country: str | None = None
    subdivision: str | None = None
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "hours", tuple(sorted(tuple(pair) for pair in self.hours)))
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        self._check()

    def _check(self) -> None:
        """Refuses a calendar that would give silently wrong deadlines later."""
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise _invalid(self.name, "time_zone", f"unknown time zone {self.time_zone!r}") from None
        if not self.workdays <= set(range(7)):
            raise _invalid(self.name, "workdays", "weekdays are 0 (Monday) to 6 (Sunday)")
        if not self.workdays and not self.extra_workdays:
            raise _invalid(self.name, "workdays", "no working days at all")
        if not self.hours:
            raise _invalid(self.name, "hours", "no working hours at all")
        for (start, end), following in zip(self.hours, (*self.hours[1:], None), strict=True):
            if start >= end:
                raise _invalid(self.name, "hours", f"interval {start:%H:%M}-{end:%H:%M} ends before it starts")
            if following is not None and following[0] < end:
                raise _invalid(self.name, "hours", f"interval {start:%H:%M}-{end:%H:%M} overlaps the next one")
        both = sorted(self.extra_holidays & self.extra_workdays)
        if both:
            raise _invalid(self.name, "extra_workdays", f"{both[0].isoformat()} is also in extra_holidays")
        self._check_country()

    def _check_country(self) -> None:
        if self.country is None and self.subdivision is not None:
            raise _invalid(self.name, "holidays.subdivision", "given without a country")
        if self.country is None:
            return
        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError as error:
            field = "holidays.subdivision" if "subdivision" in str(error) else "holidays.country"
            raise _invalid(self.name, field, str(error)) from None

    @classmethod
    def from_dict(cls, name: str, dct: dict) -> WorkCalendar:
        """Reads the designer-edited JSON form; every mistake names the calendar and the field."""
        if not isinstance(dct, dict):
            raise _invalid(name, "-", f"expected an object, got {type(dct).__name__}")
        unknown = sorted(set(dct) - set(FIELDS))
        if unknown:
            raise _invalid(name, unknown[0], f"unknown field; known fields: {', '.join(FIELDS)}")
        if not isinstance(dct.get("time_zone"), str):
            raise _invalid(name, "time_zone", "required, a zone name such as 'Europe/Berlin'")
        country, subdivision = _read_holidays(name, dct.get("holidays"))
        return cls(name, dct["time_zone"], country=country, subdivision=subdivision,
                   workdays=_read_workdays(name, dct.get("workdays", list(DAY_NAMES[:5]))),
                   hours=_read_hours(name, dct.get("hours", [["09:00", "18:00"]])),
                   extra_holidays=_read_dates(name, "extra_holidays", dct.get("extra_holidays", [])),
                   extra_workdays=_read_dates(name, "extra_workdays", dct.get("extra_workdays", [])))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def day_length(self) -> timedelta:
        """Working time of an ordinary working day: what one day of ``PnD`` is worth."""
        return sum((datetime.combine(date.min, end) - datetime.combine(date.min, start)
                    for start, end in self.hours), timedelta(0))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        if self.country is not None:
            days_off, days_on = _country_days(self.country, self.subdivision, day.year)
            if day in days_off:
                return False
            if day in days_on:
                return True
        return day.weekday() in self.workdays


def _read_list(name: str, field: str, value) -> list:
    if not isinstance(value, list):
        raise _invalid(name, field, f"expected a list, got {type(value).__name__}")
    return value


def _read_workdays(name: str, value) -> frozenset[int]:
    days = set()
    for item in _read_list(name, "workdays", value):
        key = item.lower() if isinstance(item, str) else None
        if key not in DAY_NAMES and key not in FULL_DAY_NAMES:
            raise _invalid(name, "workdays", f"{item!r} is not a weekday; use {', '.join(DAY_NAMES)}")
        days.add(DAY_NAMES.index(key[:3]))
    return frozenset(days)


def _read_hours(name: str, value) -> tuple[tuple[time, time], ...]:
    intervals = []
    for item in _read_list(name, "hours", value):
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(t, str) for t in item)
                and all(_CLOCK.fullmatch(t) for t in item)):
            raise _invalid(name, "hours", f"{item!r} is not a [\"HH:MM\", \"HH:MM\"] interval")
        try:
            intervals.append((time.fromisoformat(item[0]), time.fromisoformat(item[1])))
        except ValueError:
            raise _invalid(name, "hours", f"{item!r} holds an impossible time of day") from None
    return tuple(intervals)


def _read_dates(name: str, field: str, value) -> frozenset[date]:
    days = set()
    for item in _read_list(name, field, value):
        try:
            days.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            raise _invalid(name, field, f"{item!r} is not an ISO date such as '2026-10-01'") from None
    return frozenset(days)


def _read_holidays(name: str, value) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"country", "subdivision"}:
        raise _invalid(name, "holidays", 'expected {"country": "DE", "subdivision": "BY" or null}')
    country, subdivision = value.get("country"), value.get("subdivision")
    if not isinstance(country, str):
        raise _invalid(name, "holidays.country", "required, an ISO country code such as 'DE'")
    if subdivision is not None and not isinstance(subdivision, str):
        raise _invalid(name, "holidays.subdivision", "expected a code such as 'BY' or null")
    return country, subdivision


def parse_duration(text: str, calendar: WorkCalendar | None = None) -> timedelta:
    """The working time an ISO 8601 duration stands for; days are working days of `calendar`."""
    clean = text.strip().upper() if isinstance(text, str) else ""
    match = _DURATION.fullmatch(clean)
    if match is None or not any(match.groups()) or clean.endswith("T"):
        if re.search(r"[YW]|^P[^T]*M", clean):
            raise ValueError(f"duration {text!r}: years, months and weeks are not supported; use days or hours")
        raise ValueError(f"duration {text!r} is not an ISO 8601 duration such as 'PT24H' or 'P3D'")
    days, hours, minutes, seconds = (float(g.replace(",", ".")) if g else 0.0 for g in match.groups())
    if days and calendar is None:
        raise ValueError(f"duration {text!r} counts working days: it needs a calendar")
    working_days = calendar.day_length * days if days else timedelta(0)
    return working_days + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {moment.isoformat()}")
    return moment.astimezone(UTC)


def _segments(calendar: WorkCalendar, start: datetime, days: int) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals in UTC from `start` on (clipped to it), a whole local day at a time.

    Local clock times are built with the zone and then normalised to UTC, so an interval keeps
    its local hours across DST changes and lasts the real time that passes in it.
    """
    tz = calendar.tz
    first = start.astimezone(tz).date()
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        if not calendar.is_working_day(day):
            continue
        for begin, end in calendar.hours:
            seg_start = max(datetime.combine(day, begin, tzinfo=tz).astimezone(UTC), start)
            seg_end = datetime.combine(day, end, tzinfo=tz).astimezone(UTC)
            if seg_start < seg_end:
                yield seg_start, seg_end


def add_working_time(calendar: WorkCalendar, start: datetime, duration: timedelta) -> datetime:
    """The moment (UTC) when `duration` of working time has passed after `start`."""
    start = _utc(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    remaining = duration
    for seg_start, seg_end in _segments(calendar, start, SEARCH_DAYS):
        if remaining <= seg_end - seg_start:
            return seg_start + remaining
        remaining -= seg_end - seg_start
    raise ValueError(f"calendar {calendar.name!r}: not enough working time within ten years after "
                     f"{start.isoformat()} to fit {duration}")


def working_time_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end` (negative if `end` is earlier): "time in stage"."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end < start:
        return -working_time_between(calendar, end, start)
    days = (end.astimezone(calendar.tz).date() - start.astimezone(calendar.tz).date()).days
    total = timedelta(0)
    for seg_start, seg_end in _segments(calendar, start, days):
        if seg_start >= end:
            break
        total += min(seg_end, end) - seg_start
    return total


def _lookup(calendars: dict[str, WorkCalendar], name: str) -> WorkCalendar:
    if name not in calendars:
        raise ValueError(f"unknown calendar {name!r}; known: {', '.join(sorted(calendars))}")
    return calendars[name]


def business_hours_function(calendars: dict[str, WorkCalendar],
                            default: str | None = None) -> Callable[..., str]:
    """The ``business_hours`` function to put in the script environment of timer expressions."""
    if default is not None:
        _lookup(calendars, default)

    def business_hours(duration: str, calendar: str | None = None) -> str:
        """Deadline `duration` of working time from now, as an ISO 8601 UTC timeDate."""
        name = calendar if calendar is not None else default
        if name is None:
            raise ValueError(f"business_hours({duration!r}): name a calendar; there is no default calendar")
        chosen = _lookup(calendars, name)
        return add_working_time(chosen, datetime.now(UTC), parse_duration(duration, chosen)).isoformat()

    return business_hours


def load_calendars(dct: dict) -> dict[str, WorkCalendar]:
    """Every calendar of a ``{"name": {...}}`` mapping such as ``bpmn/calendars.json``."""
    if not isinstance(dct, dict):
        raise ValueError(f"calendars: expected an object mapping names to calendars, got {type(dct).__name__}")
    return {name: WorkCalendar.from_dict(name, spec) for name, spec in dct.items()}
