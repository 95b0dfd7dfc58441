"""The patient as the engine sees them: measurements used, as entered, and
the optional age and sex."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class Patient(NamedTuple):
    """The measurements used for dosing, and as they were entered (an
    immutable named tuple: one is built for every request)."""

    weight_kg: Decimal
    height_cm: Decimal
    bsa_m2: Decimal
    bsa_formula: str
    weight_entered: Decimal
    weight_unit: str
    height_entered: Decimal
    height_unit: str
    age_years: int | None = None
    age_months: int | None = None
    sex: str | None = None
    #: The age the growth references are read at, in completed months: the
    #: age, or the corrected age of a preterm infant; None without an age.
    age_used_months: int | None = None
    corrected_for_gestation: bool = False
    #: The corrected age in words, when it was used.
    corrected_text: str | None = None
