"""Classification of derived datasets: a model inherits the strictest grade, importance, sharing
and opening attribute of its inputs (a model may declare a stricter one, never a laxer one), and
each output column takes the strictest grade of the input columns its lineage names; a plain copy
of a PII column keeps its PII kind and default mask. An output column takes the category of its
source columns when they all have the same one (a count of water-level readings is still 物联感知/
积水监测), else the model's; a plain copy of address columns that pinpoint one granularity keeps it.
Tier, source department, update frequency and importance are the model's. Pure functions over
contracts and models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from contracts.contract import Contract, Grade, Importance, Opening, Sharing
from contracts.schema import DatasetTags, SchemaColumn, published_schema
from transforms.lineage import ColumnLineage, column_lineage, output_columns
from transforms.model import Model, ModelError, run_order

# Least to most restrictive.
IMPORTANCE_ORDER = (Importance.general, Importance.important, Importance.core)
SHARING_ORDER = (Sharing.unconditional, Sharing.conditional, Sharing.none)
OPENING_ORDER = (Opening.unconditional, Opening.restricted, Opening.forbidden)


@dataclass(frozen=True)
class Classified:
    """A dataset's classification and columns, whether it comes from a contract or a model."""

    id: str
    grade: Grade
    importance: Importance
    sharing: Sharing
    opening: Opening
    columns: tuple[SchemaColumn, ...]
    lineage: dict[str, ColumnLineage] = field(default_factory=dict)

    def column(self, name: str) -> SchemaColumn:
        """The column called `name`."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.id} has no column {name!r}")


E = TypeVar("E", Grade, Sharing, Opening)
T = TypeVar("T")


def _only(values: Iterable[T]) -> T | None:
    """The one value all of `values` share, or None when there are none or several."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _at_least(model: Model, ins: list[Classified], key: str, order: tuple[E, ...]) -> E:
    """The strictest `key` among the inputs, or the model's declared value if it is stricter."""
    inherited: E = max((getattr(c, key) for c in ins), key=order.index)
    declared: E | None = getattr(model, key)
    if declared is None:
        return inherited
    if order.index(declared) < order.index(inherited):
        worst = next(c.id for c in ins if getattr(c, key) == inherited)
        raise ModelError(
            f"model {model.id}: declared {key} {declared} is laxer than {inherited}"
            f" inherited from input {worst}; remove it or make it at least as strict"
        )
    return declared


def from_contract(contract: Contract) -> Classified:
    """A source dataset's classification, straight from its contract."""
    return Classified(
        contract.id,
        contract.grade,
        contract.importance,
        contract.sharing,
        contract.opening,
        tuple(published_schema(contract)),
    )


def classify_model(model: Model, inputs: dict[str, Classified]) -> Classified:
    """Classify `model` from its classified inputs; ModelError if it declares laxer values."""
    missing = [i for i in model.inputs if i not in inputs]
    if missing:
        raise ModelError(f"model {model.id}: inputs {missing} are neither contracts nor models")
    ins = [inputs[i] for i in model.inputs]
    grade = _at_least(model, ins, "grade", tuple(Grade))
    sharing = _at_least(model, ins, "sharing", SHARING_ORDER)
    opening = _at_least(model, ins, "opening", OPENING_ORDER)
    importance = max((c.importance for c in ins), key=IMPORTANCE_ORDER.index)

    schema = {c.id: {col.name: col.type or "UNKNOWN" for col in c.columns} for c in ins}
    where = str(model.path or model.id)
    outputs = output_columns(model.sql, schema, where)
    if set(outputs) != set(model.columns):
        raise ModelError(
            f"{where}: the SQL returns {sorted(set(outputs) - set(model.columns))} not declared"
            f" in columns; columns declares {sorted(set(model.columns) - set(outputs))}"
            " that the SQL does not return"
        )
    lin = column_lineage(model.sql, schema, where)
    tags = DatasetTags(model.category, str(model.tier), model.owner, model.update_frequency, str(importance))
    cols = []
    for name in outputs:
        srcs = [inputs[d].column(c) for d, c in lin[name].sources]
        col_grade = max((s.grade for s in srcs), default=Grade.L1)
        pii = mask = granularity = None
        if lin[name].direct:
            granularity = _only(s.address_granularity for s in srcs)
            if len({s.pii for s in srcs}) == 1:
                pii, mask = srcs[0].pii, srcs[0].mask
        cols.append(
            tags.column(name, "", model.columns[name].title, col_grade, pii, mask,
                        category=_only(s.category for s in srcs), address_granularity=granularity)
        )
    return Classified(
        model.id,
        grade,
        importance,
        sharing,
        opening,
        tuple(cols),
        lin,
    )


def classify_all(contracts: dict[str, Contract], models: dict[str, Model]) -> dict[str, Classified]:
    """Every contract and model classified, models in dependency order."""
    clash = sorted(set(contracts) & set(models))
    if clash:
        raise ModelError(f"models {clash} have the same id as a dataset contract; rename the model")
    out = {cid: from_contract(c) for cid, c in contracts.items()}
    for mid in run_order(models):
        out[mid] = classify_model(models[mid], out)
    return out
