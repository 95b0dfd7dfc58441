"""Where the weight came from, and when (`shared/clinical-reference.md`,
second edition, section F).

ISMP Targeted Medication Safety Best Practices, practice 3: weigh in metric
units and avoid stated, estimated or historical weights. A weight older than
the file's limit (example local policy: 30 days) or not measured warns at
the top of the sheet; a regimen the pharmacy marks high-alert is not
calculated on such a weight.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from . import formatting
from .errors import FieldError

WEIGHT_SOURCES = ("measured", "stated", "estimated")


class WeightRecord(NamedTuple):
    """The weight's date and source, its age in days on `today`, and the
    warnings they give."""

    weighed_on: date
    source: str
    age_days: int
    old: bool
    warnings: tuple[str, ...]

    @property
    def words(self) -> str:
        """Printed beside the weight: "measured on 31 Jan 2027"."""
        return f"{self.source} on {formatting.long_date(self.weighed_on)}"


def weight_record(weighed_on: date, source: str, today: date, max_age_days: int) -> WeightRecord:
    """The record of a weight taken on `weighed_on` (not after `today`)."""
    age = (today - weighed_on).days
    old = age > max_age_days
    warnings = []
    if old:
        warnings.append(f"The weight was taken {age} days ago ({formatting.long_date(weighed_on)}), "
                        f"more than {max_age_days} days: weigh the child again before dosing.")
    if source != "measured":
        warnings.append(f"The weight was {source}, not measured: weigh the child in kilograms "
                        "before dosing.")
    return WeightRecord(weighed_on, source, age, old, tuple(warnings))


def high_alert_refusal(drug: str, record: WeightRecord, max_age_days: int) -> FieldError | None:
    """The refusal of a high-alert regimen on an old or unmeasured weight."""
    if record.source != "measured":
        return FieldError("weight_source", f"{drug} is a high-alert medication: it is calculated only on "
                                           f"a measured weight, not a {record.source} one")
    if record.old:
        return FieldError("weighed_on", f"{drug} is a high-alert medication: it is calculated only on a "
                                        f"weight taken within {max_age_days} days, not "
                                        f"{record.age_days} days ago")
    return None
