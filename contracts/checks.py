"""The check kinds a contract column may declare, one class per kind in one registry (`CHECKS`).

A check kind is a pydantic model: its `kind` name, its arguments as fields, and what it means as
data the quality package executes without knowing the kind: the great_expectations expectation it
adds (by GX type name and kwargs, so this module imports no GX) and the DuckDB expression giving
the reason an offending row fails. Adding a check kind is adding one class here and registering it;
a kind whose GX expectation is not built in also needs that expectation in quality/expectations.py.

In YAML a check is a bare name (`mobile`), a one-key map (`regex: '^\\d+$'`, `in_set: [...]`,
`between: [1, 4]`, `after: reported_at`) or that map with options
(`{mobile, severity: warn, on_fail: set_null}`). It reads no data.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from foundation.sql import ident, literal

Severity = Literal["error", "warn"]
# What happens to the offending value of a `warn` check: published as it is, or published as NULL.
OnFail = Literal["keep", "set_null"]
OPTIONS = ("severity", "on_fail")


@dataclass(frozen=True)
class ExpectationSpec:
    """A great_expectations expectation as data: its snake_case type name and kwargs."""

    type: str
    kwargs: dict[str, Any]


def text_sql(column: str) -> str:
    """A column's value as text for reasons ('NULL' when missing)."""
    return f"coalesce(CAST({ident(column)} AS VARCHAR), 'NULL')"


def said_sql(column: str) -> str:
    """`<column> = <value>`, the start of every reason."""
    return f"{literal(column + ' = ')} || {text_sql(column)}"


class Check(BaseModel, ABC):
    """One column check. Subclasses narrow `kind` to their name and add their arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    severity: Severity | None = None  # None: the column's default (see Column.severity)
    on_fail: OnFail = "keep"

    # the argument fields a YAML short form gives by position (`between: [1, 4]`)
    positional: ClassVar[tuple[str, ...]] = ()
    # checks the written form of an identifier or code: warns by default on optional PII columns
    format: ClassVar[bool] = False

    def columns(self) -> tuple[str, ...]:
        """Other columns of the contract the check names."""
        return ()

    @abstractmethod
    def expectation(self, column: str) -> ExpectationSpec:
        """The GX expectation enforcing the check on `column`."""

    @abstractmethod
    def reason_sql(self, column: str) -> str:
        """A DuckDB expression over an offending row giving why it fails."""


CHECKS: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check kind to CHECKS under the name its `kind` field defaults to."""
    name = cls.model_fields["kind"].default
    if not isinstance(name, str) or name in CHECKS:
        raise TypeError(f"{cls.__name__}: kind must default to a new check name, got {name!r}")
    CHECKS[name] = cls
    return cls


@register
class Regex(Check):
    """The text matches a regular expression (Python `re.search` semantics)."""

    kind: Literal["regex"] = "regex"
    pattern: str
    positional: ClassVar[tuple[str, ...]] = ("pattern",)
    format: ClassVar[bool] = True

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(f"regex {pattern!r} does not compile: {e}") from None
        return pattern

    def expectation(self, column: str) -> ExpectationSpec:
        return ExpectationSpec("expect_column_values_to_match_regex",
                               {"column": column, "regex": self.pattern})

    def reason_sql(self, column: str) -> str:
        return f"{said_sql(column)} || {literal(' does not match ' + self.pattern)}"


@register
class InSet(Check):
    """The value is one of a list."""

    kind: Literal["in_set"] = "in_set"
    values: Annotated[list[str | int | float], Field(min_length=1)]
    positional: ClassVar[tuple[str, ...]] = ("values",)

    def expectation(self, column: str) -> ExpectationSpec:
        return ExpectationSpec("expect_column_values_to_be_in_set",
                               {"column": column, "value_set": self.values})

    def reason_sql(self, column: str) -> str:
        return f"{said_sql(column)} || {literal(' is not one of ' + ', '.join(map(str, self.values)))}"


@register
class Between(Check):
    """The value lies in [min, max]."""

    kind: Literal["between"] = "between"
    min: int | float | dt.date
    max: int | float | dt.date
    positional: ClassVar[tuple[str, ...]] = ("min", "max")

    def expectation(self, column: str) -> ExpectationSpec:
        return ExpectationSpec("expect_column_values_to_be_between",
                               {"column": column, "min_value": self.min, "max_value": self.max})

    def reason_sql(self, column: str) -> str:
        return f"{said_sql(column)} || {literal(f' is outside [{self.min}, {self.max}]')}"


@register
class After(Check):
    """This timestamp is not before the named column's (rows missing either are not judged)."""

    kind: Literal["after"] = "after"
    column: str
    positional: ClassVar[tuple[str, ...]] = ("column",)

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def expectation(self, column: str) -> ExpectationSpec:
        return ExpectationSpec("expect_column_pair_values_a_to_be_greater_than_b", {
            "column_A": column, "column_B": self.column, "or_equal": True,
            "ignore_row_if": "either_value_is_missing"})

    def reason_sql(self, column: str) -> str:
        return (f"{said_sql(column)} || {literal(' is before ' + self.column + ' = ')}"
                f" || {text_sql(self.column)}")


class IdentifierCheck(Check):
    """A check of a Chinese identifier whose rule lives in quality.identifiers; its reason calls
    the DuckDB macro `shucang_<kind>_problem(value)` quality installs from that rule."""

    format: ClassVar[bool] = True
    label: ClassVar[str] = ""  # what the value should have been, before the rule's own reason

    def expectation(self, column: str) -> ExpectationSpec:
        # the custom expectation of quality/expectations.py named after the check
        return ExpectationSpec(f"expect_column_values_to_be_valid_{self.kind}", {"column": column})

    def reason_sql(self, column: str) -> str:
        return (f"{said_sql(column)} || {literal(': ' + self.label)}"
                f" || {problem_macro(self.kind)}({ident(column)})")


def problem_macro(kind: str) -> str:
    """The DuckDB macro that gives an identifier check's reason (NULL for a valid value)."""
    return f"shucang_{kind}_problem"


@register
class ResidentId(IdentifierCheck):
    """A GB 11643 resident ID: check character, a real birth date, a known region."""

    kind: Literal["resident_id"] = "resident_id"
    label: ClassVar[str] = "not a GB 11643 resident ID: "


@register
class Mobile(IdentifierCheck):
    """A mainland mobile number (1[3-9] and 9 more digits)."""

    kind: Literal["mobile"] = "mobile"


@register
class CreditCode(IdentifierCheck):
    """A GB 32100 unified social credit code with a correct check character."""

    kind: Literal["credit_code"] = "credit_code"
    label: ClassVar[str] = "not a GB 32100 credit code: "


@register
class NotFuture(Check):
    """A date or timestamp not later than now on the Beijing clock."""

    kind: Literal["not_future"] = "not_future"

    def expectation(self, column: str) -> ExpectationSpec:
        return ExpectationSpec("expect_column_values_to_not_be_in_the_future", {"column": column})

    def reason_sql(self, column: str) -> str:
        return f"{said_sql(column)} || {literal(' is in the future (Beijing time)')}"


class UnknownCheck(ValueError):
    """A check names no registered kind."""


def suggest(name: str, known: list[str]) -> str:
    """'did you mean ...?' for a misspelt name, or the list of known names."""
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"


def from_yaml(value: Any) -> Any:
    """A check as written in YAML -> the field mapping of its kind's model."""
    if isinstance(value, str):
        value = {value: None}
    if not isinstance(value, dict) or "kind" in value:
        return value
    names = [k for k in value if k not in OPTIONS]
    if len(names) != 1:
        raise ValueError(f"a check is one check name with optional {' and '.join(OPTIONS)}; "
                         f"got the keys {', '.join(map(str, value))}")
    (name,) = names
    if name not in CHECKS:
        raise UnknownCheck(f"unknown check {name!r}; {suggest(str(name), sorted(CHECKS))}")
    arg, options = value[name], {k: v for k, v in value.items() if k in OPTIONS}
    fields = CHECKS[name].positional
    if arg is None:
        args: dict[str, Any] = {}
    elif isinstance(arg, dict):
        args = arg
    elif len(fields) == 1:
        args = {fields[0]: arg}
    elif len(fields) > 1 and isinstance(arg, list) and len(arg) == len(fields):
        args = dict(zip(fields, arg, strict=True))
    elif fields:
        raise ValueError(f"{name} takes [{', '.join(fields)}], got {arg!r}")
    else:
        raise ValueError(f"{name} takes no argument, got {arg!r} (write it as a bare name)")
    return {"kind": name, **args, **options}


if TYPE_CHECKING:
    AnyCheck = Check
else:
    AnyCheck = Annotated[Union[tuple(CHECKS.values())], Field(discriminator="kind"),  # noqa: UP007
                         BeforeValidator(from_yaml)]
