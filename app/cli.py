"""`flask --app app regimens check [FILE]`, `diff OLD NEW` and `table PLAN`:
the pharmacy's commands for regimen files."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .dosing import RegimenFileError, load_regimens
from .dosing.dose_table import COLUMNS, dose_rows
from .dosing.regimen_diff import dose_changes, field_changes, grid_description
from .dosing.regimens import parse_regimens
from .dosing.toml_source import read_toml

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
    click.echo(f"{path}: OK, version {book.version}, sha256 {book.short_hash}, {len(book.plans)} plans, "
               f"{len(book.regimens)} regimens, default plan '{book.plan.name}'")


@regimens.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
def diff(old: str, new: str) -> None:
    """What changes from regimen file OLD to NEW: the fields, with their
    lines, and the patients whose doses change, as ranges. Exit status 0
    when no dose changes, 1 when some do, 2 when either file is invalid."""
    books, documents = [], []
    for path in (old, new):
        try:
            content = Path(path).read_bytes()
            documents.append(read_toml(content, path))
            books.append(parse_regimens(content, path))
        except OSError as error:
            click.echo(f"{path}: (file): cannot be read: {error.strerror}", err=True)
            raise SystemExit(2) from error
        except RegimenFileError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            raise SystemExit(2) from error
    before, after = books
    click.echo(f"{old}: version {before.version}, {before.short_hash}")
    click.echo(f"{new}: version {after.version}, {after.short_hash}")
    click.echo("Fields changed:")
    for change in field_changes(*documents):
        click.echo(f"  {change.path}: {change.old or '(absent)'} (line {change.old_line or '-'}) → "
                   f"{change.new or '(absent)'} (line {change.new_line or '-'})")
    doses = dose_changes(before, after)
    click.echo(f"Doses changed ({grid_description()}):")
    for change in doses:
        click.echo(f"  {change}")
    if not doses:
        click.echo("  none")
    raise SystemExit(1 if doses else 0)


@regimens.command("table")
@click.argument("plan")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="Regimen file (default the app's).")
def table(plan: str, path: str | None) -> None:
    """The dose table of PLAN as CSV: each regimen and phase across a grid of
    weights (and heights, for doses per m²), with the measured volumes."""
    book = load_regimens(path or current_app.config["REGIMENS"])
    if plan not in book.plans:
        raise click.BadParameter(f"unknown plan; allowed: {', '.join(book.plans)}", param_hint="PLAN")
    writer = csv.writer(click.get_text_stream("stdout"), lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(dose_rows(book, book.plans[plan]))


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
