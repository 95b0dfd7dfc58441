"""Errors as values a person can act on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: which field, and what is allowed."""

    field: str
    message: str


def merge_errors(first: list[FieldError], more: Iterable[FieldError],
                 rename: Callable[[str], str] = str) -> list[FieldError]:
    """`first` (errors from reading a request) followed by those of `more`
    (the engine's, their fields renamed) on fields that `first` did not
    already fault."""
    faulted = {e.field for e in first}
    renamed = (FieldError(rename(e.field), e.message) for e in more)
    return [*first, *(e for e in renamed if e.field not in faulted)]


class InvalidInput(Exception):
    """Raised by the engine with every problem found in a request, and the
    growth check (`growth.GrowthCheck`) when it was done, so that its
    warnings can be shown beside the errors."""

    def __init__(self, errors: list[FieldError], growth: object = None) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.growth = growth


@dataclass(frozen=True)
class FileProblem:
    """One problem in a regimen file: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class RegimenFileError(Exception):
    """A regimen file that cannot be used; `problems` lists every fault."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems: tuple[FileProblem, ...] = tuple(problems)
