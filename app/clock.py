""""Today" in the clinic's time zone: the one place Pedidose reads the clock.

A server kept in UTC that serves a clinic in Ankara (UTC+3) would otherwise
date a sheet yesterday until 03:00. The zone is the IANA name in
`PEDIDOSE_TIMEZONE` (config `TIMEZONE`), checked at start-up; when it is not
set, the server's own zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app


class UnknownTimeZone(ValueError):
    """`PEDIDOSE_TIMEZONE` names no zone of the IANA time zone database."""


def time_zone(name: str | None) -> tzinfo | None:
    """The zone called `name` (None or empty: the server's own zone, None)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise UnknownTimeZone(
            f"PEDIDOSE_TIMEZONE: '{name[:60]}' is not an IANA time zone name such as Europe/Istanbul"
        ) from err


def today_in(zone: tzinfo | None, now: datetime | None = None) -> date:
    """The calendar date in `zone` (None: the server's zone) at `now`
    (default: the present moment)."""
    moment = now if now is not None else datetime.now(tz=UTC)
    return moment.astimezone(zone).date()


def clinic_today() -> date:
    """Today's date in the running app's clinic time zone."""
    return today_in(current_app.extensions["time_zone"])
