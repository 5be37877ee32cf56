"""Working-time SLAs: every expected deadline below is worked out by hand from a wall calendar.

2026 dates used: Fri 13 Mar, Mon 16 Mar; Fri 27 Mar / Sun 29 Mar (Berlin to summer time);
Fri 23 Oct / Sun 25 Oct (Berlin back to winter time); Thu 24 Dec / Fri 25 Dec (Christmas);
Thu 2 Jul / Fri 3 Jul (US Independence Day observed); Sun 20 Sep, Wed 30 Sep, Thu 1 Oct -
Wed 7 Oct, Fri 9 Oct, Sat 10 Oct (China's National Day week and its make-up working days).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from service.engine.calendar import (
    WorkCalendar,
    add_working_time,
    business_hours_function,
    load_calendars,
    parse_duration,
    working_time_between,
)
from service.engine.parser import HandoffParser
from service.engine.timers import next_wakeup

BERLIN_TZ = ZoneInfo("Europe/Berlin")
SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
BERLIN = WorkCalendar(name="berlin", time_zone="Europe/Berlin")  # Mon-Fri 09:00-18:00, no holidays
EIGHT_HOURS = WorkCalendar(name="eight", time_zone="Europe/Berlin", hours=((time(9), time(17)),))
NATIONAL_DAY = [f"2026-10-0{day}" for day in range(1, 8)]
SHANGHAI = WorkCalendar.from_dict("shanghai", {
    "time_zone": "Asia/Shanghai",
    "workdays": ["mon", "tue", "wed", "thu", "fri"],
    "hours": [["09:00", "12:00"], ["13:00", "18:00"]],
    "extra_holidays": NATIONAL_DAY,
    "extra_workdays": ["2026-09-20", "2026-10-10"],
})
H = timedelta(hours=1)


def berlin(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN_TZ)


def shanghai(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI_TZ)


def add(calendar: WorkCalendar, start: datetime, duration: timedelta) -> datetime:
    result = add_working_time(calendar, start, duration)
    assert result.tzinfo is UTC
    return result


# --- counting -------------------------------------------------------------------------------

def test_friday_afternoon_plus_four_hours_is_monday_eleven():
    assert add(BERLIN, berlin(3, 13, 16), 4 * H) == berlin(3, 16, 11)  # 2 h on Friday, 2 h on Monday


def test_a_start_outside_working_time_counts_from_the_next_working_moment():
    assert add(BERLIN, berlin(3, 13, 20), H) == berlin(3, 16, 10)
    assert add(BERLIN, berlin(3, 14, 12), H) == berlin(3, 16, 10)  # Saturday
    assert add(BERLIN, berlin(3, 16, 7, 30), H) == berlin(3, 16, 10)  # Monday before opening


def test_zero_duration_is_the_next_working_moment_at_or_after_the_start():
    assert add(BERLIN, berlin(3, 16, 10, 15), timedelta(0)) == berlin(3, 16, 10, 15)
    assert add(BERLIN, berlin(3, 16, 9), timedelta(0)) == berlin(3, 16, 9)
    assert add(BERLIN, berlin(3, 16, 18), timedelta(0)) == berlin(3, 17, 9)  # 18:00 is closing time
    assert add(BERLIN, berlin(3, 14, 12), timedelta(0)) == berlin(3, 16, 9)


def test_24_working_hours_are_three_8_hour_days_ending_at_closing_time():
    monday = berlin(3, 16, 9)
    assert add(EIGHT_HOURS, monday, 24 * H) == berlin(3, 18, 17)  # Wednesday 17:00, not Thursday 09:00
    assert add(EIGHT_HOURS, monday, 8 * H) == berlin(3, 16, 17)
    assert add(EIGHT_HOURS, monday, 8 * H + timedelta(seconds=1)) == berlin(3, 17, 9) + timedelta(seconds=1)
    assert add(EIGHT_HOURS, berlin(3, 16, 13, 30), 24 * H) == berlin(3, 19, 13, 30)


def test_the_result_is_the_same_for_a_start_given_in_any_time_zone():
    start = berlin(3, 13, 16)
    for zone in (UTC, ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")):
        assert add(BERLIN, start.astimezone(zone), 4 * H) == berlin(3, 16, 11)


def test_month_and_year_boundaries_and_a_long_holiday_break():
    assert add(BERLIN, berlin(1, 30, 17), 10 * H) == berlin(2, 2, 18)  # Fri 1 h + Mon 9 h
    closed = [(date(2026, 12, 21) + timedelta(days=n)).isoformat() for n in range(17)]  # to Wed 6 Jan
    winter = WorkCalendar.from_dict("winter", {"time_zone": "Europe/Berlin", "extra_holidays": closed})
    assert add(winter, berlin(12, 18, 17), 2 * H) == berlin(1, 7, 10, year=2027)
    assert working_time_between(winter, berlin(12, 18, 17), berlin(1, 7, 10, year=2027)) == 2 * H


def test_long_durations_jump_whole_days():
    # 2000 working days of 9 h = 400 weeks; they end at closing time on the last Friday
    end = add(BERLIN, berlin(1, 5, 9), parse_duration("P2000D", BERLIN))
    assert end == datetime(2033, 9, 2, 18, tzinfo=BERLIN_TZ)
    assert working_time_between(BERLIN, berlin(1, 5, 9), end) == 18000 * H


def test_negative_durations_and_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(BERLIN, berlin(3, 16, 9), -H)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(BERLIN, datetime(2026, 3, 16, 9), H)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_time_between(BERLIN, berlin(3, 16, 9), datetime(2026, 3, 16, 9))


# --- holidays -------------------------------------------------------------------------------

def test_german_christmas_from_the_holidays_package_is_skipped():
    germany = WorkCalendar.from_dict("de", {"time_zone": "Europe/Berlin", "holidays": {"country": "DE"}})
    # Thu 24 Dec 17:00: 1 h on Thursday; Fri 25 (Christmas) and Sat 26 off; 1 h on Mon 28
    assert add(germany, berlin(12, 24, 17), 2 * H) == berlin(12, 28, 10)
    assert add(BERLIN, berlin(12, 24, 17), 2 * H) == berlin(12, 25, 10)  # without holidays


def test_us_independence_day_observed_on_friday_is_skipped():
    new_york = WorkCalendar.from_dict("ny", {"time_zone": "America/New_York", "hours": [["09:00", "17:00"]],
                                             "holidays": {"country": "US", "subdivision": "NY"}})
    start = datetime(2026, 7, 2, 16, tzinfo=ZoneInfo("America/New_York"))
    assert add(new_york, start, 2 * H) == datetime(2026, 7, 6, 10, tzinfo=ZoneInfo("America/New_York"))


def test_china_national_day_week_and_make_up_working_days():
    # Wed 30 Sep 17:00: 1 h; 1-7 Oct off; Thu 8 Oct 09:00-12:00 gives the other 3 h - ends at lunch
    assert add(SHANGHAI, shanghai(9, 30, 17), 4 * H) == shanghai(10, 8, 12)
    # Fri 9 Oct 17:00: 1 h; Saturday 10 Oct is a make-up working day
    assert add(SHANGHAI, shanghai(10, 9, 17), 2 * H) == shanghai(10, 10, 10)
    # Saturday 19 Sep is off, Sunday 20 Sep is a make-up working day
    assert add(SHANGHAI, shanghai(9, 19, 10), H) == shanghai(9, 20, 10)
    assert working_time_between(SHANGHAI, shanghai(9, 30, 9), shanghai(10, 9, 9)) == 16 * H


def test_china_make_up_days_from_the_holidays_package():
    china = WorkCalendar.from_dict("cn", {"time_zone": "Asia/Shanghai", "holidays": {"country": "CN"}})
    assert not china.is_working_day(date(2026, 10, 1))
    assert china.is_working_day(date(2026, 10, 10))  # a Saturday, worked to make up the week
    assert add(china, shanghai(9, 30, 17), 2 * H) == shanghai(10, 8, 10)


def test_explicit_days_win_over_the_country_data():
    cal = WorkCalendar.from_dict("cn", {"time_zone": "Asia/Shanghai", "holidays": {"country": "CN"},
                                        "extra_holidays": ["2026-10-10"], "extra_workdays": ["2026-10-02"]})
    assert cal.is_working_day(date(2026, 10, 2))
    assert not cal.is_working_day(date(2026, 10, 10))


# --- lunch breaks and daylight saving -------------------------------------------------------

def test_lunch_break_is_not_working_time():
    assert add(SHANGHAI, shanghai(3, 16, 11, 30), H) == shanghai(3, 16, 13, 30)
    assert add(SHANGHAI, shanghai(3, 16, 12, 30), timedelta(minutes=30)) == shanghai(3, 16, 13, 30)
    assert add(SHANGHAI, shanghai(3, 16, 12, 30), timedelta(0)) == shanghai(3, 16, 13)
    assert add(SHANGHAI, shanghai(3, 16, 9), 3 * H) == shanghai(3, 16, 12)
    assert working_time_between(SHANGHAI, shanghai(3, 16, 8), shanghai(3, 16, 20)) == 8 * H


def test_working_hours_stay_local_across_dst_changes():
    # to summer time on Sun 29 Mar: Friday is UTC+1, Monday UTC+2
    assert add(BERLIN, berlin(3, 27, 16), 4 * H) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert add(BERLIN, berlin(3, 27, 16), 4 * H) == berlin(3, 30, 11)
    assert working_time_between(BERLIN, berlin(3, 27, 9), berlin(3, 30, 18)) == 18 * H
    # back to winter time on Sun 25 Oct: Friday UTC+2, Monday UTC+1
    assert add(BERLIN, berlin(10, 23, 16), 4 * H) == datetime(2026, 10, 26, 10, tzinfo=UTC)
    assert working_time_between(BERLIN, berlin(10, 23, 9), berlin(10, 26, 18)) == 18 * H


def test_night_hours_count_the_real_time_on_dst_days():
    night = WorkCalendar(name="night", time_zone="Europe/Berlin", workdays=range(7), hours=((time(1), time(4)),))
    assert working_time_between(night, berlin(3, 28, 0), berlin(3, 28, 5)) == 3 * H
    assert working_time_between(night, berlin(3, 29, 0), berlin(3, 29, 5)) == 2 * H  # 02:00-03:00 skipped
    assert working_time_between(night, berlin(10, 25, 0), berlin(10, 25, 5)) == 4 * H  # 02:00-03:00 twice
    assert add(night, berlin(3, 29, 1), 2 * H) == berlin(3, 29, 4)


# --- the inverse ---------------------------------------------------------------------------

@pytest.mark.parametrize("calendar", [BERLIN, EIGHT_HOURS, SHANGHAI,
                                      WorkCalendar("us", "America/New_York", country="US")],
                         ids=lambda c: c.name)
def test_working_time_between_inverts_add_working_time(calendar):
    rng = random.Random(20260316)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(100):
        start = origin + timedelta(seconds=rng.randrange(2 * 365 * 86400), microseconds=rng.randrange(10**6))
        duration = rng.choice([timedelta(0), rng.randrange(1, 60) * H,
                               timedelta(seconds=rng.randrange(200 * 3600), microseconds=rng.randrange(10**6))])
        end = add_working_time(calendar, start, duration)
        assert end >= start
        assert working_time_between(calendar, start, end) == duration
        later = start + timedelta(seconds=rng.randrange(30 * 86400))
        worked = working_time_between(calendar, start, later)
        back = add_working_time(calendar, start, worked)
        assert working_time_between(calendar, back, later) == timedelta(0)
        assert back <= later or worked == timedelta(0)  # zero: the next working moment may come after `later`


def test_working_time_between_in_simple_cases():
    assert working_time_between(BERLIN, berlin(3, 13, 16), berlin(3, 16, 11)) == 4 * H
    assert working_time_between(BERLIN, berlin(3, 16, 11), berlin(3, 13, 16)) == -4 * H
    assert working_time_between(BERLIN, berlin(3, 14, 8), berlin(3, 15, 20)) == timedelta(0)  # weekend


# --- durations ------------------------------------------------------------------------------

def test_parse_duration_counts_hours_and_working_days():
    assert parse_duration("PT24H") == 24 * H
    assert parse_duration("PT1H30M") == timedelta(minutes=90)
    assert parse_duration("pt0.5h") == timedelta(minutes=30)
    assert parse_duration("PT90S") == timedelta(seconds=90)
    assert parse_duration("P3D", EIGHT_HOURS) == 24 * H
    assert parse_duration("P1DT2H", SHANGHAI) == 10 * H  # 8 h a day with the lunch break
    assert parse_duration("P0.5D", BERLIN) == timedelta(hours=4.5)


def test_three_working_days_end_at_the_same_local_working_time():
    assert add(EIGHT_HOURS, berlin(3, 16, 9), parse_duration("P3D", EIGHT_HOURS)) == berlin(3, 18, 17)
    assert add(EIGHT_HOURS, berlin(3, 13, 14, 20), parse_duration("P3D", EIGHT_HOURS)) == berlin(3, 18, 14, 20)
    assert add(SHANGHAI, shanghai(9, 30, 15), parse_duration("P2D", SHANGHAI)) == shanghai(10, 9, 15)


@pytest.mark.parametrize("text, message", [
    ("P1Y", "years, months and weeks"), ("P2M", "years, months and weeks"), ("P1W", "years, months and weeks"),
    ("P1MT2H", "years, months and weeks"), ("", "not an ISO 8601"), ("P", "not an ISO 8601"),
    ("PT", "not an ISO 8601"), ("P1DT", "not an ISO 8601"), ("24h", "not an ISO 8601"),
    ("-PT1H", "not an ISO 8601"), ("PT1H2D", "not an ISO 8601"),
])
def test_parse_duration_refuses_what_it_cannot_count(text, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(text, BERLIN)


def test_working_days_need_a_calendar():
    with pytest.raises(ValueError, match="needs a calendar"):
        parse_duration("P3D")


# --- definitions ----------------------------------------------------------------------------

def test_from_dict_reads_the_designer_format():
    cal = WorkCalendar.from_dict("shanghai", {
        "time_zone": "Asia/Shanghai", "workdays": ["mon", "tue", "wed", "thu", "fri"],
        "hours": [["13:00", "18:00"], ["09:00", "12:00"]], "holidays": {"country": "CN", "subdivision": None},
        "extra_holidays": ["2026-10-09"], "extra_workdays": ["2026-10-10"],
    })
    assert cal == WorkCalendar("shanghai", "Asia/Shanghai", frozenset(range(5)),
                               ((time(9), time(12)), (time(13), time(18))), "CN", None,
                               frozenset({date(2026, 10, 9)}), frozenset({date(2026, 10, 10)}))
    assert cal.day_length == 8 * H


def test_from_dict_defaults_to_weekdays_nine_to_six():
    cal = WorkCalendar.from_dict("plain", {"time_zone": "UTC", "workdays": ["Monday", "SAT"]})
    assert cal.hours == ((time(9), time(18)),) and cal.workdays == {0, 5} and cal.country is None
    assert WorkCalendar.from_dict("plain", {"time_zone": "UTC"}).workdays == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("dct, field", [
    ({}, "time_zone"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": "UTC", "timezone": "UTC"}, "timezone"),
    ({"time_zone": "UTC", "workdays": ["mon", "funday"]}, "workdays"),
    ({"time_zone": "UTC", "workdays": "mon-fri"}, "workdays"),
    ({"time_zone": "UTC", "workdays": []}, "workdays"),
    ({"time_zone": "UTC", "hours": [["18:00", "09:00"]]}, "hours"),
    ({"time_zone": "UTC", "hours": [["09:00", "13:00"], ["12:00", "18:00"]]}, "hours"),
    ({"time_zone": "UTC", "hours": [["9am", "5pm"]]}, "hours"),
    ({"time_zone": "UTC", "hours": [["09:00", "25:00"]]}, "hours"),
    ({"time_zone": "UTC", "hours": []}, "hours"),
    ({"time_zone": "UTC", "holidays": "DE"}, "holidays"),
    ({"time_zone": "UTC", "holidays": {"country": "XX"}}, "holidays.country"),
    ({"time_zone": "UTC", "holidays": {"country": "DE", "subdivision": "ZZ"}}, "holidays.subdivision"),
    ({"time_zone": "UTC", "extra_holidays": ["2026-13-01"]}, "extra_holidays"),
    ({"time_zone": "UTC", "extra_workdays": [20261010]}, "extra_workdays"),
    ({"time_zone": "UTC", "extra_holidays": ["2026-10-10"], "extra_workdays": ["2026-10-10"]}, "extra_workdays"),
])
def test_bad_definitions_name_the_calendar_and_the_field(dct, field):
    with pytest.raises(ValueError, match=rf"^calendar 'ops': {field}: "):
        WorkCalendar.from_dict("ops", dct)


def test_a_calendar_with_no_working_days_is_refused():
    with pytest.raises(ValueError, match="calendar 'never': workdays: no working days"):
        WorkCalendar(name="never", time_zone="UTC", workdays=set())
    past_only = WorkCalendar(name="past", time_zone="UTC", workdays=set(), extra_workdays={date(2020, 1, 6)})
    with pytest.raises(ValueError, match="calendar 'past': not enough working time within ten years"):
        add_working_time(past_only, datetime(2026, 1, 1, tzinfo=UTC), H)


def test_load_calendars_reads_every_calendar():
    calendars = load_calendars({"berlin": {"time_zone": "Europe/Berlin"}, "shanghai": {"time_zone": "Asia/Shanghai"}})
    assert sorted(calendars) == ["berlin", "shanghai"] and calendars["berlin"].time_zone == "Europe/Berlin"
    with pytest.raises(ValueError, match="calendar 'b': -: expected an object"):
        load_calendars({"a": {"time_zone": "UTC"}, "b": []})
    with pytest.raises(ValueError, match="calendars: expected an object"):
        load_calendars([])


# --- business_hours in timer expressions ----------------------------------------------------

def test_business_hours_counts_from_now():
    fn = business_hours_function({"berlin": BERLIN, "shanghai": SHANGHAI}, default="berlin")
    with freeze_time(berlin(3, 13, 16).astimezone(UTC)):
        assert fn("PT4H", "berlin") == "2026-03-16T10:00:00+00:00"  # Monday 11:00 in Berlin
        assert fn("PT1H") == "2026-03-13T16:00:00+00:00"  # the default calendar: Friday 17:00 in Berlin
        assert fn("P1D", "shanghai") == "2026-03-16T10:00:00+00:00"  # Friday 23:00 there: Monday 18:00


def test_business_hours_names_unknown_calendars():
    fn = business_hours_function({"shanghai": SHANGHAI, "berlin": BERLIN})
    with pytest.raises(ValueError, match=r"^unknown calendar 'paris'; known: berlin, shanghai$"):
        fn("PT1H", "paris")
    with pytest.raises(ValueError, match="no default calendar"):
        fn("PT1H")
    with pytest.raises(ValueError, match="unknown calendar 'paris'"):
        business_hours_function({"berlin": BERLIN}, default="paris")


TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://handoff.example/bpmn">
  <bpmn:process id="sla" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition id="wait_def">
        <bpmn:timeDate>business_hours("PT4H", "berlin")</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_business_hours_works_as_a_spiffworkflow_timer_date():
    parser = HandoffParser()
    parser.add_bpmn_str(TIMER_BPMN.encode())
    fn = business_hours_function({"berlin": BERLIN})
    engine = PythonScriptEngine(environment=TaskDataEnvironment({"business_hours": fn}))
    monday_eleven = berlin(3, 16, 11).astimezone(UTC)
    with freeze_time(berlin(3, 13, 16).astimezone(UTC)) as clock:
        workflow = BpmnWorkflow(parser.get_spec("sla"), script_engine=engine)
        workflow.do_engine_steps()
        assert next_wakeup(workflow) == monday_eleven
        assert not workflow.is_completed()
        clock.move_to(monday_eleven - timedelta(seconds=1))
        workflow.refresh_timers()
        workflow.do_engine_steps()
        assert not workflow.is_completed()
        clock.move_to(monday_eleven + timedelta(seconds=1))
        workflow.refresh_timers()
        workflow.do_engine_steps()
        assert workflow.is_completed()
        assert next_wakeup(workflow) is None
