"""The exceptions vitk2 raises.

Every error derives from [`Vitk2Error`][vitk2.Vitk2Error]; each concrete error also derives from the builtin
exception it refines, so ``except ValueError`` and ``except LookupError`` keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "AmbiguousNameError",
    "CriteriaError",
    "IncommensurableUnitsError",
    "MergeConflictError",
    "Problem",
    "StatisticsError",
    "UnitError",
    "UnknownNameError",
    "ValidationError",
    "Vitk2Error",
]


class Vitk2Error(Exception):
    """Base class of every error vitk2 raises.

    *Added in version 0.1.0*.
    """


@attrs.frozen
class Problem:
    """One thing wrong with an input, located precisely.

    Attributes:
        file: The file (or ``"<string>"``) the problem is in.
        path: Where inside it, such as ``studies[1].arms[0].regimen.doses[0].unit``.
            Empty for problems with the document as a whole.
        message: What was expected and what was found.
        line: The line (from 1) where the path starts in the file, when it is known; not
            part of equality.
        column: The column (from 1) there.
        code: A short stable name for the kind of problem, when it has one; not part of
            equality. Test the code, not the message, to tell kinds apart. The codes are:

            - ``"dangling"``: an id that names no record (``unknown citation id ...``), or a
              record that is not in the base it is put in.
            - ``"duplicate-id"``: a second record (or finding) with an id already used.
            - ``"cycle"``: parents, or reports on reports, that lead back to themselves.
            - ``"itself-invalid"``: a reference to a record that is itself invalid (reported
              at the record, so the loader drops these).
            - ``"unreadable"``: a file that cannot be read (missing, not a regular file,
              not permitted, a NUL in its path).
            - ``"unknown-field"``: a field a record (or the document) does not have.
            - ``"missing-field"``: a required field a record lacks.
            - ``"unknown-group"``, ``"unknown-report"``: a group (or phase) or a report that
              the study does not have.
            - ``"own-group"``: a finding compared with its own group.
            - ``"arm-not-in-statistic"``: a finding's group or comparator that is not among
              the arms of its statistic.

            Other problems (a value out of range, text where a number belongs) have none.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``line`` and ``column``.
    """

    file: str
    path: str
    message: str
    line: int | None = attrs.field(default=None, eq=False, kw_only=True)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)
    code: str | None = attrs.field(default=None, eq=False, kw_only=True, repr=False)

    @property
    def location(self) -> str:
        """``file:line:column`` when the line is known (as compilers and linters print it), else the file."""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ModelValueError(ValueError):
    """A record's cross-field check that failed at a path inside the record.

    The converter reads the path and the code from the attributes instead of from the text.

    Attributes:
        path: Where inside the record, such as ``findings[3].group``; empty when the
            message names the place itself.
        message: What was expected and what was found, without the path.
        code: A short stable name for the kind of problem (``"unknown-group"``, ...).

    ``str(err)`` is the path and the message, as the record's constructor has always said it.
    """

    def __init__(self, path: str, message: str, *, code: str) -> None:
        self.path = path
        self.message = message
        self.code = code
        super().__init__(f"{path} {message}" if path else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_model_value_error, (self.path, self.message, self.code))


def _model_value_error(path: str, message: str, code: str) -> ModelValueError:
    return ModelValueError(path, message, code=code)


class FieldError(Exception):
    """A record's check of one of its fields that failed, naming the field as an attribute.

    Raised as [`FieldValueError`][vitk2._errors.FieldValueError] or
    [`FieldTypeError`][vitk2._errors.FieldTypeError], so ``except ValueError`` and
    ``except TypeError`` keep working. The loader reads the field from the attribute instead
    of from the text.

    Attributes:
        field: The name of the field the message is about, such as ``"events"``; the field
            checked, or the one it is checked against.

    ``str(err)`` is the message, as the record's constructor has always said it.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, *self.args))


class FieldValueError(FieldError, ValueError):
    """A field's value of the right type that its record refuses (a count below 0)."""


class FieldTypeError(FieldError, TypeError):
    """A field's value of the wrong type (text where a count belongs)."""


class ValidationError(Vitk2Error, ValueError):
    """Input that is not valid evidence: every problem found in one pass.

    Attributes:
        problems: Each problem with its file, its path and its message.

    *Added in version 0.1.0*.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            msg = "a ValidationError needs at least one problem"
            raise ValueError(msg)
        super().__init__(self.problems)

    def __str__(self) -> str:
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        return f"{head}:\n" + "\n".join(f"  {p}" for p in self.problems)

    def __reduce__(self) -> tuple[type[ValidationError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class MergeConflictError(ValidationError):
    """Two evidence bases define the same id differently.

    *Added in version 0.1.0*.
    """


class UnknownNameError(Vitk2Error, LookupError):
    """A name or id that matches no record.

    Attributes:
        name: The name that was looked up.
        kind: What kind of record was looked for (``"compound"``, ``"indication"``, ...).
        suggestions: The closest known names, best first.

    *Added in version 0.1.0*.
    """

    def __init__(self, name: str, kind: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.kind = kind
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(name, kind, self.suggestions)

    def __str__(self) -> str:
        msg = f"unknown {self.kind} {self.name!r}"
        if self.suggestions:
            alts = ", ".join(repr(s) for s in self.suggestions)
            msg += f"; did you mean {alts}?"
        return msg

    def __reduce__(self) -> tuple[type[UnknownNameError], tuple[str, str, tuple[str, ...]]]:
        return (type(self), (self.name, self.kind, self.suggestions))


class AmbiguousNameError(UnknownNameError):
    """A name that matches more than one record.

    ``suggestions`` holds the ids of every candidate.

    *Added in version 0.1.0*.
    """

    def __str__(self) -> str:
        alts = ", ".join(repr(s) for s in self.suggestions)
        return f"ambiguous {self.kind} {self.name!r}: it names {alts}"


class UnitError(Vitk2Error, ValueError):
    """A quantity that cannot be converted (a different dimension, or out of range).

    *Added in version 0.1.0*.
    """


class IncommensurableUnitsError(UnitError):
    """A conversion between units of different dimensions (mg to weeks).

    *Added in version 0.1.0*.
    """


class CriteriaError(Vitk2Error, ValueError):
    """A query criterion of the wrong type or out of range (a level of 7, a dose in weeks).

    Unknown names in criteria raise [`UnknownNameError`][vitk2.UnknownNameError] instead.

    *Added in version 0.1.0*.
    """


class StatisticsError(Vitk2Error, ValueError):
    """Invalid input to a statistic, or a quantity that cannot be estimated or computed.

    Raised by the interval, contrast and pooling functions: for counts that are not
    non-negative whole numbers, a confidence level outside (0, 1), an unknown interval method,
    a ratio with no events (or only events) in both groups, or inputs so extreme that the
    result cannot be computed in double precision. The message names the argument and the
    value.

    *Added in version 0.2.0*.
       Exported from ``vitk2``; 0.1.0 raised it from a private module.
    """
