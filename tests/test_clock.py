"""'Today' is the clinic's date, not the server's (issue 12, item 10)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app import create_app
from app.clock import UnknownTimeZone, ZoneDay, day_ends, midnight_after, today_in


def test_utc_server_gives_the_ankara_date_after_midnight_there():
    # 22:30 UTC on 30 January is 01:30 on 31 January in Turkey (UTC+3).
    late = datetime(2027, 1, 30, 22, 30, tzinfo=UTC)
    assert str(today_in(ZoneInfo("Europe/Istanbul"), late)) == "2027-01-31"
    assert str(today_in(ZoneInfo("UTC"), late)) == "2027-01-30"


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_default_start_date_is_today_in_the_clinic_zone(zone):
    # UTC+14 and UTC-11 are on different dates for 13 hours of every day.
    app = create_app({"TESTING": True, "TIMEZONE": zone})
    body = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"},
            "regimens": ["ivig"]}
    before = datetime.now(ZoneInfo(zone)).date().isoformat()
    first = app.test_client().post("/api/v1/plan", json=body).get_json()["regimens"][0]["items"][0]
    after = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert first["date"] in (before, after)


def test_unknown_zone_stops_start_up():
    with pytest.raises(UnknownTimeZone, match="PEDIDOSE_TIMEZONE: 'Mars/Olympus' is not an IANA"):
        create_app({"TESTING": True, "TIMEZONE": "Mars/Olympus"})


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_kept_date_changes_at_midnight_in_the_zone():
    # Ankara midnight is 21:00 UTC; the date is kept until then, and the
    # clock read after midnight gives the new one.
    day = ZoneDay(ZoneInfo("Europe/Istanbul"))
    assert str(day.at(_instant("2027-01-30T12:00"))) == "2027-01-30"
    assert str(day.at(_instant("2027-01-30T20:59:59.999999"))) == "2027-01-30"
    assert str(day.at(_instant("2027-01-30T21:00"))) == "2027-01-31"
    assert str(day.at(_instant("2027-01-31T20:59:59"))) == "2027-01-31"


def test_kept_date_follows_a_clock_set_back():
    day = ZoneDay(ZoneInfo("Europe/Istanbul"))
    assert str(day.at(_instant("2027-01-31T12:00"))) == "2027-01-31"
    assert str(day.at(_instant("2027-01-30T12:00"))) == "2027-01-30"


def test_kept_date_in_the_server_zone():
    day = ZoneDay(None)
    for moment in (_instant("2027-01-30T12:00"), _instant("2027-06-30T23:59:59"), datetime.now(tz=UTC)):
        assert day.at(moment) == today_in(None, moment)


@pytest.mark.parametrize(("zone", "start"), [
    ("America/Santiago", "2026-04-03T12:00"),  # clocks back at 24:00 to 23:00
    ("America/Santiago", "2026-09-04T12:00"),  # clocks forward at 24:00 to 01:00
    ("America/Havana", "2027-03-12T12:00"),  # clocks forward at 00:00 to 01:00
    ("Pacific/Apia", "2011-12-28T12:00"),  # 30 December 2011 skipped
    ("Australia/Lord_Howe", "2026-10-02T12:00"),  # half-hour shift at 02:00
    ("Antarctica/Casey", "2010-03-03T12:00"),  # 5 March 2010 02:00 back to 4 March 23:00
])
def test_kept_date_is_right_every_quarter_hour_across_clock_changes(zone, start):
    day = ZoneDay(ZoneInfo(zone))
    moment = _instant(start)
    for _ in range(4 * 24 * 4):
        assert day.at(moment) == today_in(ZoneInfo(zone), moment), moment
        moment += timedelta(minutes=15)


def test_kept_date_ends_exactly_at_the_next_midnight():
    zone = ZoneInfo("America/Santiago")
    for start in ("2026-04-04", "2026-09-05", "2026-09-06"):
        day = date.fromisoformat(start)
        end = midnight_after(day, zone)
        assert today_in(zone, end - timedelta(microseconds=1)) == day
        assert today_in(zone, end) > day


def test_kept_date_ends_at_a_change_of_offset_before_midnight():
    zone = ZoneInfo("Antarctica/Casey")
    now = _instant("2010-03-04T13:30")  # 00:30 on 5 March, UTC+11
    assert str(day_ends(today_in(zone, now), zone, now)) == "2010-03-04 15:00:00+00:00"  # 23:00, UTC+8
    ankara = ZoneInfo("Europe/Istanbul")
    assert day_ends(date(2027, 1, 30), ankara, _instant("2027-01-30T12:00")) == _instant("2027-01-30T21:00")
