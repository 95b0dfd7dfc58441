"""The dosing engine: units, BSA, regimens, plans and number formatting.

Pure Python with no Flask import: values in, values out, immutable
dataclasses. The web layer (`app.api`, `app.pages`) only parses requests,
calls `compute_plan` and renders.
"""

from .errors import FieldError, InvalidInput, RegimenFileError
from .inputs import PlanRequest
from .plan import Plan, compute_plan
from .regimens import RegimenBook, load_regimens

__all__ = [
    "FieldError", "InvalidInput", "Plan", "PlanRequest", "RegimenBook",
    "RegimenFileError", "compute_plan", "load_regimens",
]
