"""What is wrong with a contract file, as a person fixes it: the file, the field (with the column
it belongs to), the message and a hint. Pydantic's errors and YAML's syntax errors are turned into
ContractProblems here; nothing here reads a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from contracts.checks import CHECKS
from sources.registry import SOURCES


@dataclass(frozen=True)
class ContractProblem:
    """One error in one contract file."""

    file: Path
    field: str  # dotted path in the YAML ("columns.3.checks.0.pattern"); "(file)": the whole file
    message: str
    hint: str = ""
    column: str | None = None  # the contract column the field belongs to
    tier: str | None = None  # the tier the file declares, when it declares one at all

    @property
    def left_out(self) -> str:
        """The warning a command prints when it carries on without this file's dataset."""
        return f"{self}; {self.file.name} is left out (see `shucang contracts check`)"

    def __str__(self) -> str:
        column = f"column {self.column}, " if self.column else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.file}: {column}field {self.field}: {self.message}{hint}"


def _field_path(loc: tuple[int | str, ...]) -> list[int | str]:
    """The YAML path of an error: pydantic's location without the tags it adds for the source
    and check unions (`source.file.format` is written `source.format` in the file)."""
    out: list[int | str] = []
    for part in loc:
        tagged_source = out[-1:] == ["source"] and part in SOURCES
        tagged_check = len(out) >= 2 and out[-2] == "checks" and isinstance(out[-1], int) and part in CHECKS
        if not (tagged_source or tagged_check):
            out.append(part)
    return out


def _column_name(raw: dict[str, Any], path: list[int | str]) -> str | None:
    """The column an error path points into, by name."""
    if len(path) < 2 or path[0] != "columns" or not isinstance(path[1], int):
        return None
    cols = raw.get("columns")
    if isinstance(cols, list) and path[1] < len(cols) and isinstance(cols[path[1]], dict):
        name = cols[path[1]].get("name")
        return str(name) if name is not None else None
    return None


def _hint(error: Any, path: list[int | str], known: list[str]) -> str:
    """How to fix one pydantic error, where something better than its message can be said."""
    kind = error["type"]
    if kind == "extra_forbidden":
        owners = [k for k, m in SOURCES.items() if path[:1] == ["source"] and path[-1] in m.model_fields]
        if owners:
            return (f"{path[-1]} is a field of {' and '.join(owners)} sources; "
                    f"this one takes: {', '.join(known)}")
        close = difflib.get_close_matches(str(path[-1]), known, n=1)
        return f"did you mean {close[0]!r}?" if close else f"remove it; known here: {', '.join(known)}"
    if kind == "missing":
        return "add it"
    if kind in ("union_tag_invalid", "union_tag_not_found") and path[:1] == ["source"]:
        return f"source kinds: {', '.join(SOURCES)}"
    if kind == "literal_error":
        return "use one of the values listed"
    if "unknown check" in error["msg"]:
        return f"check kinds: {', '.join(CHECKS)}"
    return ""


FieldsAt = Callable[[list[int | str]], list[str]]


def from_validation(file: Path, raw: dict[str, Any], err: ValidationError,
                    fields_at: FieldsAt) -> list[ContractProblem]:
    """One problem per pydantic error, each naming the YAML field and its column; `fields_at`
    gives the field names accepted at a path (for spelling hints)."""
    out = []
    for e in err.errors():
        path = _field_path(tuple(e["loc"]))
        if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path.append("kind")
        field = ".".join(str(p) for p in path) or "(top level)"
        known = fields_at(path[:-1]) if e["type"] == "extra_forbidden" else []
        out.append(ContractProblem(file, field, e["msg"], _hint(e, path, known), _column_name(raw, path)))
    return out


def from_yaml_error(file: Path, err: yaml.YAMLError | OSError) -> ContractProblem:
    """A problem for a file that is not readable YAML, with the line where the parser stopped."""
    mark = getattr(err, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    hint = "check indentation, brackets and quotes there" if mark is not None else ""
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return ContractProblem(file, "(file)", f"cannot read contract{where}: {first}", hint)
