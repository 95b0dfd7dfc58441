"""JSON answers whose numbers are the exact decimals the engine computed
(9.15, not 9.1500000000000003552713678800500929355621337890625)."""

from __future__ import annotations

from typing import Any

import simplejson
from flask import Response


def json_response(payload: Any, status: int = 200) -> Response:
    """`payload` (with `Decimal` numbers) as an application/json response in UTF-8."""
    body = simplejson.dumps(payload, use_decimal=True, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, content_type="application/json; charset=utf-8")
