"""'Today' is the clinic's date, not the server's (issue 12, item 10)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app import create_app
from app.clock import UnknownTimeZone, today_in


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
