""""Today" in the clinic's time zone: the one place Pedidose reads the clock.

A server kept in UTC that serves a clinic in Ankara (UTC+3) would otherwise
date a sheet yesterday until 03:00. The zone is the IANA name in
`PEDIDOSE_TIMEZONE` (config `TIMEZONE`), checked at start-up; when it is not
set, the server's own zone.

A sheet asks for today's date several times, so the date is worked out once
and kept until the next midnight in the zone, or the zone's next change of
UTC offset if that comes first (`ZoneDay`): each later call only reads the
clock and compares it with that instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

#: An instant before any clock reading: a `ZoneDay` not yet worked out.
_NEVER = datetime.min.replace(tzinfo=UTC)
#: The clock's resolution.
_TICK = timedelta(microseconds=1)


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


def midnight_after(day: date, zone: tzinfo | None) -> datetime:
    """The instant (in UTC) the day after `day` begins in `zone` (None: the
    server's zone). Where clocks jump over midnight, the instant of the jump
    (a wall time in a gap is read with the offset before it, PEP 495)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)


def _offset(zone: tzinfo | None, moment: datetime) -> timedelta | None:
    return moment.astimezone(zone).utcoffset()


def day_ends(day: date, zone: tzinfo | None, now: datetime) -> datetime:
    """The first instant after `now` at which `day`, the date in `zone` at
    `now`, may stop being the date there: the next midnight, or the zone's
    first change of UTC offset before it (clocks set back across midnight
    bring the day before back, as in Antarctica/Casey on 5 March 2010)."""
    end = midnight_after(day, zone)
    offset = _offset(zone, now)
    low, high = now, end - _TICK
    if _offset(zone, high) == offset:
        return end
    # The offset is `offset` at `low` and another at `high`: halve the gap
    # down to one tick, `high` then being the first instant of the change.
    while high - low > _TICK:
        middle = low + (high - low) / 2
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


class ZoneDay:
    """The date in one zone, kept with the instants between which it holds:
    from the clock reading it was worked out at until `day_ends`."""

    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone
        self._kept = (_NEVER, _NEVER, date.min)

    def at(self, now: datetime) -> date:
        """The date in the zone at `now` (an aware datetime)."""
        since, until, day = self._kept
        if since <= now < until:
            return day
        day = today_in(self.zone, now)
        # One tuple, replaced whole: a thread reads the old one or the new one.
        self._kept = (now, day_ends(day, self.zone, now), day)
        return day


@lru_cache(maxsize=16)
def zone_day(zone: tzinfo | None) -> ZoneDay:
    """The kept date of `zone`, one per zone."""
    return ZoneDay(zone)


def clinic_today() -> date:
    """Today's date in the running app's clinic time zone."""
    zone = current_app._get_current_object().extensions["time_zone"]
    return zone_day(zone).at(datetime.now(tz=UTC))
