"""Half-up rounding of `Decimal` values, and plain decimal text.

Rules from `shared/clinical-reference.md` ("Arithmetic rules"): weight to
0.01 kg, height to 0.1 cm, BSA to 0.01 m², doses half-up to the regimen's
increment and never above the cap.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

_ONE = Decimal(1)


#: Increments that are powers of ten (0.000001 to 1,000), each mapped to itself
#: written with its exponent (1 as 1, 10 as 1E+1): rounding to these is
#: one `quantize`, which is how most doses, volumes and rates are rounded.
#: 1 maps to `_ONE`, whose quantized values are already plain.
_POWERS_OF_TEN = {q: q for q in (_ONE.scaleb(k) for k in range(-6, 4))} | {_ONE: _ONE}


def half_up(value: Decimal, increment: Decimal) -> Decimal:
    """`value` rounded half-up to a whole multiple of `increment` (> 0).

    Exact decimal arithmetic: 3.5 with increment 1 gives 4, 9.15 with
    increment 0.5 gives 9, 305 with increment 10 gives 310.
    """
    quantum = _POWERS_OF_TEN.get(increment)
    if quantum is None:
        rounded = (value / increment).quantize(_ONE, ROUND_HALF_UP) * increment
    elif quantum is _ONE:
        return value.quantize(_ONE, ROUND_HALF_UP)
    else:
        rounded = value.quantize(quantum, ROUND_HALF_UP)
    return rounded.quantize(_ONE) if rounded == rounded.to_integral_value() else rounded.normalize()


def floor_to(value: Decimal, increment: Decimal) -> Decimal:
    """The largest whole multiple of `increment` (> 0) not above `value`."""
    quantum = _POWERS_OF_TEN.get(increment)
    if quantum is None:
        rounded = (value / increment).quantize(_ONE, ROUND_FLOOR) * increment
    else:
        rounded = value.quantize(quantum, ROUND_FLOOR)
    return rounded.quantize(_ONE) if rounded == rounded.to_integral_value() else rounded.normalize()


def round_dose(exact: Decimal, cap: Decimal, increment: Decimal) -> Decimal:
    """The amount to give: min(exact, cap) rounded half-up to `increment`;
    if that lands above the cap, the increment below it. Never above `cap`.
    """
    amount = half_up(min(exact, cap), increment)
    if amount > cap:
        amount = floor_to(cap, increment)
    return amount


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros and without an exponent (70, not 7E+1;
    9.15, not 9.150)."""
    if value == value.to_integral_value():
        return value.quantize(_ONE)
    return value.normalize()
