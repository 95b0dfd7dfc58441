"""The LMS method: z-scores and percentiles from a growth reference's L, M, S.

A reference gives, for each sex and age, L (Box-Cox power), M (median, in the
unit of the measurement: kg, cm or kg/m²) and S (coefficient of variation).
Cole TJ, Green PJ. Smoothing reference centile curves: the LMS method and
penalized likelihood. Stat Med 1992;11:1305-19.

These are screening statistics, not doses, so they are computed in binary
floating point: L, M and S are published to at most 10 significant digits,
a double carries 15 to 17, and z-scores are reported to 0.01. The measurement
itself stays exact (`Decimal`) up to the call.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Lms(NamedTuple):
    """One row of an LMS table: Box-Cox power `L`, median `M` (unit of the
    measurement), coefficient of variation `S` (dimensionless); the method's
    own names."""

    L: float
    M: float
    S: float


def z_score(x: float, lms: Lms) -> float:
    """The LMS z-score of measurement `x` (same unit as M, above zero).

    z = ((x/M)^L - 1) / (L S), or ln(x/M) / S when L = 0
    (Cole and Green 1992, equation 3; CDC and WHO use the same formula).
    """
    L, M, S = lms
    if L == 0:
        return math.log(x / M) / S
    return ((x / M) ** L - 1) / (L * S)


def value_at(z: float, lms: Lms) -> float:
    """The measurement (unit of M) whose z-score is `z`: the inverse of
    `z_score`, M (1 + L S z)^(1/L), or M exp(S z) when L = 0.

    For L < 0 and large z, or L > 0 and very negative z, 1 + L S z <= 0 and no
    measurement has that z-score: the curve ends there, and `math.inf` (or
    0 for L > 0) is returned.
    """
    L, M, S = lms
    if L == 0:
        return M * math.exp(S * z)
    base = 1 + L * S * z
    if base <= 0:
        return math.inf if L < 0 else 0.0
    return M * base ** (1 / L)


def who_z_score(x: float, lms: Lms) -> float:
    """The z-score as the WHO computes it for weight-based indicators
    (weight-for-age, BMI-for-age): the LMS z-score within +/-3, and beyond it
    a linear extension using the distance between the 2 and 3 SD curves as
    the unit, so that extreme values are not compressed:
    z = 3 + (x - SD3pos) / (SD3pos - SD2pos) above, and
    z = -3 + (x - SD3neg) / (SD2neg - SD3neg) below.

    WHO Multicentre Growth Reference Study Group. WHO Child Growth Standards:
    Methods and development. Geneva: WHO; 2006, "Computation of centiles and
    z-scores" (the restricted application of the LMS method).
    """
    z = z_score(x, lms)
    if z > 3:
        sd3, sd2 = value_at(3, lms), value_at(2, lms)
        return 3 + (x - sd3) / (sd3 - sd2)
    if z < -3:
        sd3, sd2 = value_at(-3, lms), value_at(-2, lms)
        return -3 + (x - sd3) / (sd2 - sd3)
    return z


def modified_z_score(x: float, lms: Lms) -> float:
    """The CDC's modified z-score: the distance of `x` from the median in
    units of half the distance between the median and the +2 (above) or -2
    (below) z-score curve. Linear in `x`, so it keeps growing where the LMS
    z-score is compressed (BMI above the 97th percentile, where L < 0).

    Centers for Disease Control and Prevention. Modified z-scores in the CDC
    growth charts (used by the CDC's SAS program to flag biologically
    implausible values).
    """
    M = lms.M
    if x >= M:
        return (x - M) / ((value_at(2, lms) - M) / 2)
    return (x - M) / ((M - value_at(-2, lms)) / 2)


def percentile(z: float) -> float:
    """The percentile (0 to 100) of z-score `z` under the standard normal
    distribution: 100 Phi(z) = 50 erfc(-z / sqrt 2)."""
    return 50 * math.erfc(-z / math.sqrt(2))
