"""Pedidose: a pediatric dose calculator (Flask application factory).

`create_app` loads and checks `regimens.toml` and the growth reference tables
once, at start-up; a file with any fault stops start-up with the file, line
and field at fault (an exception for callers; on the command line, only the
fault's lines and exit status 1).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from .clock import UnknownTimeZone, time_zone
from .dosing import RegimenFileError, load_regimens
from .dosing.growth_references import GrowthTableError, load_references
from .version import __version__

#: Faults in the files or settings that stop start-up. Each prints as clean
#: lines (`file:line: field: message`); `flask run` and the production server
#: (gunicorn.conf.py) print those lines alone and exit 1.
START_UP_FAULTS = (RegimenFileError, GrowthTableError, UnknownTimeZone)

DEFAULT_REGIMENS = Path(__file__).resolve().parent.parent / "regimens.toml"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` overrides settings, e.g. `REGIMENS`
    (path of the regimen file; default `$PEDIDOSE_REGIMENS` or the
    repository's `regimens.toml`) or `TIMEZONE` (the clinic's IANA zone;
    default `$PEDIDOSE_TIMEZONE`, else the server's zone)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_mapping(
        REGIMENS=os.environ.get("PEDIDOSE_REGIMENS", str(DEFAULT_REGIMENS)),
        MAX_CONTENT_LENGTH=16 * 1024,
        MAX_FORM_MEMORY_SIZE=16 * 1024,
        MAX_QUERY_LENGTH=4096,
        VERSION=__version__,
        TIMEZONE=os.environ.get("PEDIDOSE_TIMEZONE", ""),
    )
    if test_config:
        app.config.update(test_config)

    from . import api, assets, cli, errors, pages, review, security

    try:
        app.extensions["regimens"] = load_regimens(app.config["REGIMENS"])
        app.extensions["growth"] = load_references()
        app.extensions["time_zone"] = time_zone(app.config["TIMEZONE"])
    except START_UP_FAULTS as fault:
        cli.refuse_start_on_the_command_line(fault)
        raise

    assets.install(app)
    security.install(app)
    errors.install(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(review.bp)
    app.cli.add_command(cli.regimens)
    return app
