"""The one Pint unit registry of the process, with `Decimal` magnitudes.

The registry is built once, at import, from the small definitions file
`units.txt` beside this module (the full Pint default registry holds
thousands of units, among them an average `month` that must never be used for
dates, and takes several times longer to build). Unit strings are parsed when
`regimens.toml` is loaded and for the handful of input units below, never per
request: requests only multiply `Decimal` factors computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext
from pathlib import Path
from types import MappingProxyType

import pint

from .rounding import plain

DEFINITIONS = Path(__file__).with_name("units.txt")

ureg = pint.UnitRegistry(
    str(DEFINITIONS), non_int_type=Decimal, cache_folder=None, on_redefinition="raise"
)
Quantity = ureg.Quantity

MASS = ureg.get_dimensionality("[mass]")
LENGTH = ureg.get_dimensionality("[length]")
TIME = ureg.get_dimensionality("[time]")
VOLUME = ureg.get_dimensionality("[length] ** 3")

#: Units a user may enter weight in. Nothing else is accepted.
WEIGHT_UNITS: tuple[str, ...] = ("kg", "g", "lb")
#: Units a user may enter height in. Nothing else is accepted.
HEIGHT_UNITS: tuple[str, ...] = ("cm", "m", "in")


#: Significant digits kept of a converted magnitude. Pint converts through
#: base units at 28 digits, so a per-week quantity times days leaves a residue
#: in the 28th digit (40 mg/week x 7 days = 40.00000000000000000000000001 mg);
#: keeping 20 digits removes it and stays far below any dose increment.
CONVERSION_DIGITS = 20


def magnitude_in(quantity: pint.Quantity, unit: str) -> Decimal:
    """The magnitude of `quantity` in `unit`, as a `Decimal` kept to
    `CONVERSION_DIGITS` significant digits, without trailing zeros.

    Raises `pint.DimensionalityError` if the dimensions differ.
    """
    exact = Decimal(quantity.to(unit).magnitude)
    with localcontext(prec=CONVERSION_DIGITS):
        value = +exact
    return plain(value)


def factor(from_unit: str, to_unit: str) -> Decimal:
    """Exact `Decimal` factor converting a magnitude in `from_unit` to `to_unit`."""
    return magnitude_in(Quantity(Decimal(1), from_unit), to_unit)


def _factors(units: tuple[str, ...], target: str) -> Mapping[str, Decimal]:
    return MappingProxyType({unit: factor(unit, target) for unit in units})


#: Factor from each accepted weight unit to kilograms (e.g. lb: 0.45359237).
TO_KG: Mapping[str, Decimal] = _factors(WEIGHT_UNITS, "kg")
#: Factor from each accepted height unit to centimetres (e.g. in: 2.54).
TO_CM: Mapping[str, Decimal] = _factors(HEIGHT_UNITS, "cm")
