"""Grade inheritance: a model is as strict as its strictest input; columns follow lineage."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.contract import Grade, load_contracts
from transforms.classify import classify_all, classify_model, from_contract
from transforms.model import ModelError, load_model, load_models

META = """id: m
title: t
inputs: [{inputs}]
tier: district
owner: o
category: 人口/流动人口
update_frequency: daily
primary_key: [k]
columns: {{k: 键, n: 数量}}
{extra}"""


def _model(tmp_path: Path, inputs: str, sql: str, extra: str = ""):  # type: ignore[no-untyped-def]
    (tmp_path / "m.yaml").write_text(META.format(inputs=inputs, extra=extra), "utf-8")
    (tmp_path / "m.sql").write_text(sql, "utf-8")
    return load_model(tmp_path / "m.yaml")


def _inputs():  # type: ignore[no-untyped-def]
    return {cid: from_contract(c) for cid, c in load_contracts().items()}


@pytest.mark.parametrize(
    ("inputs", "sql", "grade", "sharing", "opening"),
    [
        (
            "parking_lot",
            "SELECT lot_id AS k, capacity AS n FROM parking_lot",
            "L1",
            "无条件共享",
            "无条件开放",
        ),
        (
            "parking_lot, grid_event",
            "SELECT lot_id AS k, count(*) AS n FROM parking_lot JOIN grid_event USING (street_code)"
            " GROUP BY 1",
            "L3",
            "有条件共享",
            "受限开放",
        ),
        (
            "floating_population, market_entity",
            "SELECT origin AS k, count(*) AS n FROM floating_population, market_entity GROUP BY 1",
            "L4",
            "有条件共享",
            "禁止开放",
        ),
    ],
)
def test_dataset_takes_strictest_input(
    tmp_path: Path, inputs: str, sql: str, grade: str, sharing: str, opening: str
) -> None:
    cls = classify_model(_model(tmp_path, inputs, sql), _inputs())
    assert (cls.grade, cls.sharing, cls.opening) == (grade, sharing, opening)


def test_columns_follow_lineage_and_copies_keep_pii(tmp_path: Path) -> None:
    sql = "SELECT phone AS k, count(*) AS n FROM floating_population GROUP BY phone"
    cls = classify_model(_model(tmp_path, "floating_population", sql), _inputs())
    assert cls.column("k").grade == Grade.L3 and cls.column("k").pii == "phone"
    assert cls.column("k").mask == "phone"
    assert cls.column("n").grade == Grade.L1 and cls.column("n").pii is None


def test_declared_laxer_grade_is_refused(tmp_path: Path) -> None:
    m = _model(
        tmp_path,
        "grid_event",
        "SELECT event_id AS k, level AS n FROM grid_event",
        extra="grade: L1\n",
    )
    with pytest.raises(
        ModelError, match="declared grade L1 is laxer than L3 inherited from input grid_event"
    ):
        classify_model(m, _inputs())


def test_declared_stricter_sharing_is_kept(tmp_path: Path) -> None:
    m = _model(
        tmp_path,
        "parking_lot",
        "SELECT lot_id AS k, capacity AS n FROM parking_lot",
        extra="sharing: 不予共享\n",
    )
    assert classify_model(m, _inputs()).sharing == "不予共享"


def test_undeclared_output_column_is_refused(tmp_path: Path) -> None:
    m = _model(tmp_path, "parking_lot", "SELECT lot_id AS k, capacity AS n, lot_kind FROM parking_lot")
    with pytest.raises(ModelError, match=r"returns \['lot_kind'\] not declared"):
        classify_model(m, _inputs())


def test_shipped_models_inherit_through_models() -> None:
    cls = classify_all(load_contracts(), load_models())
    assert cls["grid_event_closure"].grade == Grade.L3  # grid_event carries reporter phones
    assert cls["community_operation_index"].grade == Grade.L3  # via grid_event_closure
    assert cls["parking_berth_index"].grade == Grade.L1
    assert cls["community_operation_index"].lineage["avg_recovery_minutes"].sources == (
        ("iot_elevator_fault", "fault_at"),
        ("iot_elevator_fault", "recovered_at"),
    )
    lineage = cls["community_operation_index"].lineage
    assert lineage["avg_satisfaction"].sources == (("resident_evaluation", "score"),)
    assert {("resident_evaluation", "score"), ("grid_event_closure", "closure_rate")} <= set(
        lineage["operation_index"].sources
    )
    # resident evaluations carry free-text comments (L3): the index stays L3 through them too
    assert cls["resident_evaluation"].grade == Grade.L3


MODEL = "人口/流动人口"  # the category META declares


@pytest.mark.parametrize(
    ("inputs", "sql", "k_category", "n_category"),
    [
        # one source column: its category, whether its own (event_id) or its dataset's (score)
        ("resident_evaluation", "SELECT event_id AS k, avg(score) AS n FROM resident_evaluation GROUP BY 1",
         "事件/网格事件", "基层自治/居民满意度"),
        # no source column (a row count): the model's
        ("resident_evaluation", "SELECT service AS k, count(*) AS n FROM resident_evaluation GROUP BY 1",
         "基层自治/居民满意度", MODEL),
        # several source columns of one category: that category
        ("resident_evaluation",
         "SELECT service AS k, max(score) + count(evaluation_id) AS n FROM resident_evaluation GROUP BY 1",
         "基层自治/居民满意度", "基层自治/居民满意度"),
        # source columns of different categories: the model's
        ("parking_lot, resident_evaluation",
         "SELECT coalesce(p.lot_id, r.service) AS k, max(p.capacity) + max(r.score) AS n"
         " FROM parking_lot p JOIN resident_evaluation r USING (community_code) GROUP BY 1",
         MODEL, MODEL),
        ("parking_lot, resident_evaluation",
         "SELECT r.event_id AS k, max(p.capacity) AS n"
         " FROM parking_lot p JOIN resident_evaluation r USING (community_code) GROUP BY 1",
         "事件/网格事件", "交通治理类/停车设施"),
    ],
)
def test_model_column_category_follows_lineage(
    tmp_path: Path, inputs: str, sql: str, k_category: str, n_category: str
) -> None:
    cls = classify_model(_model(tmp_path, inputs, sql), _inputs())
    assert (cls.column("k").category, cls.column("n").category) == (k_category, n_category)


@pytest.mark.parametrize(
    ("sql", "granularity"),
    [
        ("SELECT house_code AS k, count(*) AS n FROM resident_evaluation GROUP BY 1", "house"),
        ("SELECT community_code AS k, count(*) AS n FROM resident_evaluation GROUP BY 1", "community"),
        ("SELECT address AS k, count(*) AS n FROM resident_evaluation GROUP BY 1", "community"),
        ("SELECT left(house_code, 12) AS k, count(*) AS n FROM resident_evaluation GROUP BY 1", None),
        ("SELECT coalesce(house_code, community_code) AS k, count(*) AS n FROM resident_evaluation"
         " GROUP BY 1", None),
        ("SELECT service AS k, count(*) AS n FROM resident_evaluation GROUP BY 1", None),
        ("SELECT street_code AS k, 1 AS n FROM resident_evaluation"
         " UNION SELECT street_code, 2 FROM grid_event", "street"),
    ],
)
def test_model_column_address_granularity_survives_plain_copies(
    tmp_path: Path, sql: str, granularity: str | None
) -> None:
    cls = classify_model(_model(tmp_path, "resident_evaluation, grid_event", sql), _inputs())
    assert cls.column("k").address_granularity == granularity
    assert cls.column("n").address_granularity is None


def test_model_columns_carry_the_models_tags(tmp_path: Path) -> None:
    sql = "SELECT phone AS k, count(*) AS n FROM floating_population GROUP BY phone"
    cls = classify_model(_model(tmp_path, "floating_population", sql), _inputs())
    for c in cls.columns:
        assert (c.tier, c.owner, c.update_frequency, c.importance) == ("district", "o", "daily", "重要")
