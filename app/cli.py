"""`flask --app app regimens check [FILE]`: check a regimen file."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .dosing import RegimenFileError, load_regimens

regimens = AppGroup("regimens", help="Work with regimen files.")


@regimens.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def check(file: str | None) -> None:
    """Check FILE (default: the app's regimens.toml); exit 1 on any problem."""
    path = file or current_app.config["REGIMENS"]
    try:
        book = load_regimens(path)
    except RegimenFileError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from error
    click.echo(f"{path}: OK, version {book.version}, {len(book.regimens)} regimens, "
               f"default plan '{book.plan.name}'")


class StartRefused(click.ClickException):
    """Start-up refused on the command line: shows the fault's own lines
    (`file:line: field: message`) and nothing else, and exits 1."""

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def refuse_start_on_the_command_line(fault: Exception) -> None:
    """Under a command (`flask run`, `flask regimens ...`), raise `fault` as
    `StartRefused`, so click prints its lines without a traceback; outside
    one (tests, the production server), return and let the caller raise."""
    if click.get_current_context(silent=True) is not None:
        raise StartRefused(str(fault)) from fault
