"""`GET /regimens`: the pharmacy's review page. Every plan and regimen in
words, with every number and its source, the file's version and content
hash, and a dose chart per regimen (`dose_chart.py`). Nothing on it
concerns a patient; it prints cleanly."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .dose_chart import HEIGHT, WIDTH, dose_chart
from .dosing import formatting
from .dosing.regimen_model import BASIS_WORDS

bp = Blueprint("review", __name__)


@bp.get("/regimens")
def regimens():
    book = current_app.extensions["regimens"]
    charts = current_app.extensions.get("dose_charts")
    if charts is None:
        charts = {rid: dose_chart(r) for rid, r in book.regimens.items()}
        current_app.extensions["dose_charts"] = charts
    return render_template("regimens.html", book=book, charts=charts, fmt=formatting,
                           basis_words=BASIS_WORDS, width=WIDTH, height=HEIGHT)
