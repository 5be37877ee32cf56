"""ISO 8601 durations, dates and cycles as timers and due dates use them, with a bounded magnitude.

The grammar is SpiffWorkflow's own (`TimerEventDefinition.parse_*`), so that what validates is
exactly what the engine runs. Its date arithmetic, though, steps month by month: a duration of
``P100000000Y`` held a worker (and ``R/P100000000Y`` the validator) for ever. Every value is
therefore checked against `MAX_YEARS` before anything is computed from it, at validate time and
again at run time, where an expression may yield any string.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from service.i18n import N_, Text

MAX_YEARS = 100
MAX_DAYS = MAX_YEARS * 366  # an upper bound of 100 years of any calendar
_DAYS_PER = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
             "seconds": 1 / 86400}
DURATION_HINT = N_("write an ISO 8601 duration such as PT24H")
DATE_HINT = N_("an ISO 8601 date-time such as 2026-05-04T17:00:00Z")
CYCLE_HINT = N_("write a cycle such as R3/PT24H (three times, a day apart) or R/P1D")
WHAT = {"timer duration": Text("timer duration"), "timer date": Text("timer date"), "timer cycle": Text("timer cycle"),
        "duration": Text("duration"), "date": Text("date"), "cycle": Text("cycle")}
NOT_ISO = N_("%(what)s %(value)s is not ISO 8601; %(hint)s")
MAX_TEXT = 200  # nobody writes a longer date or duration; a longer text is not parsed at all


class TimeValueError(ValueError):
    """A date, duration or cycle a designer (or an expression) wrote that cannot be used; says why.

    ``str(error)`` is the English; ``text`` the same as a `Text`, for a reader of another language."""

    def __init__(self, text: Text):
        super().__init__(str(text))
        self.text = text


def _error(sentence: str, what: str, value: str, **params) -> TimeValueError:
    return TimeValueError(Text(sentence, what=WHAT.get(what, what), value=value, **params))


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _error(N_("%(what)s %(value)s is not a text; %(hint)s or %(date_hint)s"), what, repr(value),
                     hint=Text(DURATION_HINT), date_hint=Text(DATE_HINT))
    text = value.strip()
    if not text or len(text) > MAX_TEXT:
        raise _error(NOT_ISO, what, repr(_short(value)), hint=Text(DURATION_HINT))
    return text


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def parse_duration(value: object, what: str = "duration") -> dict:
    """SpiffWorkflow's parsed form (``{"hours": 24}``) of a duration no longer than `MAX_YEARS`."""
    text = _text(value, what)
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text) if text.upper().startswith("P") else None
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception('Invalid duration')
        parsed = None
    if not parsed:
        raise _error(NOT_ISO, what, repr(_short(text)), hint=Text(DURATION_HINT))
    days = sum(_DAYS_PER[unit] * amount for unit, amount in parsed.items())
    if days > MAX_DAYS:
        raise _error(N_("%(what)s %(value)s is longer than %(years)s years"), what, repr(_short(text)),
                     years=MAX_YEARS)
    return parsed


def duration_from(value: object, start: datetime, what: str = "duration") -> timedelta:
    """The real time a duration lasts from `start` (months and years have their calendar length)."""
    return TimerEventDefinition.get_timedelta_from_start(dict(parse_duration(value, what)), start)


def parse_date(value: object, now: datetime, what: str = "date") -> datetime:
    """An ISO 8601 date-time (or week date) within `MAX_YEARS` of `now`, in UTC."""
    text = _text(value, what)
    if text.upper().startswith("P"):
        raise _error(N_("%(what)s %(value)s is a duration, not a date; write %(hint)s"), what, repr(_short(text)),
                     hint=Text(DATE_HINT))
    try:
        moment = (TimerEventDefinition.parse_iso_week(text) if "W" in text.upper()
                  else TimerEventDefinition.get_datetime(text))
    except Exception:  # noqa: BLE001 - ValueError, AttributeError (a week date that does not match), ...
        raise _error(N_("%(what)s %(value)s is not ISO 8601; write %(hint)s"), what, repr(_short(text)),
                     hint=Text(DATE_HINT)) from None
    if abs(moment - now) > timedelta(days=MAX_DAYS):
        raise _error(N_("%(what)s %(value)s is more than %(years)s years away"), what, repr(_short(text)),
                     years=MAX_YEARS)
    return moment.astimezone(UTC)


def parse_date_or_duration(value: object, now: datetime, what: str) -> datetime:
    """A due date: a date-time, or a duration counted from `now` (what Camunda's dueDate accepts)."""
    text = _text(value, what)
    if text.upper().startswith("P"):
        return now + duration_from(text, now, what)
    try:
        return parse_date(text, now, what)
    except TimeValueError as error:
        if "years away" in str(error):
            raise
        raise _error(N_("%(what)s %(value)s is not ISO 8601; %(hint)s or %(date_hint)s"), what,
                     repr(_short(text)), hint=Text(DURATION_HINT), date_hint=Text(DATE_HINT)) from None


def parse_cycle(value: object, now: datetime, what: str = "cycle") -> tuple[int, datetime, timedelta]:
    """``R[n]/[start/]duration`` (or ``R[n]/duration/end``): repetitions, first due time, interval."""
    text = _text(value, what)
    parts = text.upper().replace("--", "/").split("/")
    repeat = parts[0][1:]
    if (not parts[0].startswith("R") or len(parts) not in (2, 3) or not (repeat == "" or repeat.isdigit())
            or sum(p.startswith("P") for p in parts[1:]) != 1):
        raise _error(NOT_ISO, what, repr(_short(text)), hint=Text(CYCLE_HINT))
    try:
        start, interval = _cycle_times(parts[1:], now, what)
    except TimeValueError as error:
        if f"{MAX_YEARS} years" in str(error):
            raise _error(N_("%(what)s %(value)s reaches more than %(years)s years away"), what,
                         repr(_short(text)), years=MAX_YEARS) from None
        raise _error(NOT_ISO, what, repr(_short(text)), hint=Text(CYCLE_HINT)) from None
    if interval.total_seconds() <= 0:
        raise _error(N_("%(what)s %(value)s repeats with a zero interval"), what, repr(_short(text)))
    return int(repeat) if repeat else -1, start, interval


def _cycle_times(items: list[str], now: datetime, what: str) -> tuple[datetime, timedelta]:
    if len(items) == 1:
        interval = duration_from(items[0], now, what)
        return now + interval, interval
    if items[0].startswith("P"):
        end = parse_date(items[1], now, what)
        interval = TimerEventDefinition.get_timedelta_from_end(dict(parse_duration(items[0], what)), end)
        return end - interval, interval
    start = parse_date(items[0], now, what)
    return start, duration_from(items[1], start, what)
