"""From the amount to what is measured: a volume in a device, tablets, vials.

Rules of `shared/clinical-reference.md`, second edition, section A:

- volume = amount ÷ concentration, exact. The smallest device that holds the
  volume; the volume rounded half-up to its graduation; the measured amount
  = measured volume x concentration; if that is above the cap, one
  graduation less. A volume above the largest device (an infusion given
  from its own bottles) is measured to the nearest 1 mL.
- tablets: amount ÷ strength rounded half-up to whole tablets (halves where
  the tablet is divisible); never above the cap.
- deviation = (measured − intended) ÷ intended, intended = min(exact, cap),
  in percent to 0.1.
- vials: the least waste, then the fewest vials.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from functools import lru_cache, reduce
from typing import NamedTuple

from .products import Device, ProductUse
from .rounding import half_up, plain

WHOLE_ML = Decimal(1)
HALF = Decimal("0.5")
PERCENT_STEP = Decimal("0.1")


class Measure(NamedTuple):
    """What is measured for one dose. `device` is None when the volume is
    larger than every device (measured to the nearest 1 mL from the
    bottles); `volume_exact`, `volume` and `device` are None for tablets,
    `tablets` None for a liquid."""

    volume_exact: Decimal | None
    volume: Decimal | None
    device: Device | None
    tablets: Decimal | None
    measured: Decimal
    deviation_percent: Decimal
    vials: tuple[tuple[Decimal, int], ...]
    left_over: Decimal | None


def _volume(amount: Decimal, cap: Decimal, concentration: Decimal,
            devices: tuple[Device, ...]) -> tuple[Decimal, Decimal, Device | None]:
    exact = amount / concentration
    device = next((d for d in devices if d.capacity_ml >= exact), None)
    step = device.graduation_ml if device else WHOLE_ML
    volume = half_up(exact, step)
    if volume * concentration > cap:
        volume -= step
    return exact, volume, device


def _tablets(amount: Decimal, cap: Decimal, strength: Decimal, divisible: bool) -> Decimal:
    step = HALF if divisible else Decimal(1)
    count = half_up(amount / strength, step)
    if count * strength > cap:
        count -= step
    return count


def _gcd(a: Decimal, b: Decimal) -> Decimal:
    while b:
        a, b = b, a % b
    return a


@lru_cache(maxsize=1024)
def choose_vials(amount: Decimal, sizes: tuple[Decimal, ...]) -> tuple[tuple[Decimal, int], ...]:
    """The vials to open for `amount`: the least left over, then the fewest
    vials, as (size, count) from the largest size down."""
    if not sizes or amount <= 0:
        return ()
    unit = reduce(_gcd, sizes)
    steps = [int(size / unit) for size in sizes]
    need = int((amount / unit).to_integral_value(ROUND_CEILING))
    top = need + max(steps)
    # fewest[t]: the fewest vials that hold exactly t units (above `top`:
    # none do); last[t]: the size of one of them, the first in `steps` order.
    fewest = [0] + [top + 1] * top
    last = [0] * (top + 1)
    for total in range(1, top + 1):
        for s in steps:
            if s <= total and fewest[total - s] + 1 < fewest[total]:
                fewest[total] = fewest[total - s] + 1
                last[total] = s
    total = next(t for t in range(need, top + 1) if fewest[t] <= top)
    counts: dict[int, int] = {}
    while total:
        counts[last[total]] = counts.get(last[total], 0) + 1
        total -= last[total]
    return tuple((size, counts[step]) for size, step in sorted(zip(sizes, steps, strict=True),
                                                               reverse=True) if step in counts)


def measure(amount: Decimal, intended: Decimal, cap: Decimal, use: ProductUse,
            devices: tuple[Device, ...]) -> Measure:
    """What is measured to give `amount` (the rounded dose) of product `use`,
    never above `cap`, with its deviation from `intended`."""
    exact, volume, device, tablets, measured, vials, left_over = _drawn(amount, cap, use, devices)
    deviation = half_up((measured - intended) / intended * 100, PERCENT_STEP) if intended else Decimal(0)
    return Measure(exact, volume, device, tablets, measured, deviation, vials, left_over)


@lru_cache(maxsize=1024)
def measure_capped(amount: Decimal, cap: Decimal, use: ProductUse, devices: tuple[Device, ...]) -> Measure:
    """`measure` of a dose whose exact amount is above `cap`, given as
    `amount` (the cap rounded): the same for every patient, so cached on
    the regimen's own values, whose hashes Python keeps."""
    return measure(amount, cap, cap, use, devices)


@lru_cache(maxsize=4096)
def _drawn(amount: Decimal, cap: Decimal, use: ProductUse, devices: tuple[Device, ...]) -> tuple:
    """Everything of `measure` but the deviation, which depends on the
    intended (unrounded) dose. Cached: the same rounded doses recur from
    patient to patient."""
    if use.product.form == "tablet":
        tablets = _tablets(amount, cap, use.strength, use.product.divisible)
        measured = tablets * use.strength
        exact = volume = device = None
    else:
        tablets = None
        exact, volume, device = _volume(amount, cap, use.strength, devices)
        measured = volume * use.strength
    vials = choose_vials(measured, use.vial_sizes)
    left_over = sum((size * count for size, count in vials), Decimal(0)) - measured if vials else None
    return (None if exact is None else plain(exact), None if volume is None else plain(volume),
            device, None if tablets is None else plain(tablets), plain(measured), vials,
            None if left_over is None else plain(left_over))
