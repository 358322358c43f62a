"""A broken contract is one broken feed: its problems name the file, the field, the column and a
fix; `shucang contracts check` lists them all at once; feeds list, catalog list and the tier DAGs
carry on with the valid contracts beside it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from contracts.contract import DATASETS_DIR, ContractError, load_contract, read_contracts
from shucang.cli import main

GOOD = tuple(sorted(p.stem for p in DATASETS_DIR.glob("*.yaml") if p.stem != "grid_event"))


def _doc(dataset: str = "grid_event") -> dict[str, Any]:
    return yaml.safe_load((DATASETS_DIR / f"{dataset}.yaml").read_text(encoding="utf-8"))


def _phone_checks(doc: dict[str, Any], checks: list[Any]) -> dict[str, Any]:
    next(c for c in doc["columns"] if c["name"] == "reporter_phone")["checks"] = checks
    return doc


def _with(**fields: Any) -> dict[str, Any]:
    return {**_doc(), **fields}


def _source(**fields: Any) -> dict[str, Any]:
    doc = _doc()
    doc["source"] = {**doc["source"], **fields}
    return doc


# (case, YAML text or document, file name, field, column, message part, hint part)
CASES = [
    ("misspelt check", _phone_checks(_doc(), ["mobil"]), "grid_event", "columns.5.checks.0",
     "reporter_phone", "unknown check 'mobil'", ""),
    ("misspelt check hint", _phone_checks(_doc(), ["mobil"]), "grid_event", "columns.5.checks.0",
     "reporter_phone", "did you mean 'mobile'?", "check kinds: regex, in_set, between"),
    ("bad regex", _phone_checks(_doc(), [{"regex": "["}]), "grid_event", "columns.5.checks.0.pattern",
     "reporter_phone", "does not compile", ""),
    ("between takes two", _phone_checks(_doc(), [{"between": [1]}]), "grid_event", "columns.5.checks.0",
     "reporter_phone", "between takes [min, max]", ""),
    ("argument of an argless check", _phone_checks(_doc(), [{"mobile": "yes"}]), "grid_event",
     "columns.5.checks.0", "reporter_phone", "mobile takes no argument", ""),
    ("unknown severity", _phone_checks(_doc(), [{"mobile": None, "severity": "fatal"}]), "grid_event",
     "columns.5.checks.0.severity", "reporter_phone", "'error' or 'warn'", "use one of"),
    ("set_null on an error check", _phone_checks(_doc(), [{"mobile": None, "severity": "error",
                                                           "on_fail": "set_null"}]),
     "grid_event", "columns.5", "reporter_phone", "set_null needs severity: warn", ""),
    ("after names no column", _phone_checks(_doc(), [{"after": "nowhere"}]), "grid_event", "(top level)",
     None, "after names unknown column 'nowhere'", ""),
    ("unknown source kind", _source(kind="ftp"), "grid_event", "source.kind", None,
     "does not match any of the expected tags", "source kinds: file, http"),
    ("http field on a file source", _source(page_size=100), "grid_event", "source.page_size", None,
     "Extra inputs are not permitted", "page_size is a field of http sources; this one takes: delimiter"),
    ("misspelt source field", _source(delimeter=";"), "grid_event", "source.delimeter", None,
     "Extra inputs are not permitted", "did you mean 'delimiter'?"),
    ("file field on an http source", {**_doc("parking_lot"), "source": {**_doc("parking_lot")["source"],
                                                                        "sheet": "x"}},
     "parking_lot", "source.sheet", None, "Extra inputs are not permitted",
     "sheet is a field of file sources; this one takes: auth, base_url, cursor_param"),
    ("spark reads CSV files only", {**_doc("parking_lot"), "engine": "spark"}, "parking_lot", "(top level)",
     None, "engine: spark loads CSV files", ""),
    ("unknown engine", _with(engine="flink"), "grid_event", "engine", None, "'auto', 'duckdb' or 'spark'", ""),
    ("wrong type of field", _with(version="two"), "grid_event", "version", None, "valid integer", ""),
    ("missing field", {k: v for k, v in _doc().items() if k != "owner"}, "grid_event", "owner", None,
     "Field required", "add it"),
    ("YAML syntax error", "id: grid_event\ncolumns: [unclosed\n", "grid_event", "(file)", None,
     "cannot read contract at line 3", "indentation"),
    ("id is not the file name", _doc(), "other_name", "id", None, "must match the file name 'other_name'",
     "set id: other_name"),
]


def _write(folder: Path, name: str, body: str | dict[str, Any]) -> Path:
    path = folder / f"{name}.yaml"
    text = body if isinstance(body, str) else yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "body", "name", "field", "column", "message", "hint"), CASES,
                         ids=[c[0] for c in CASES])
def test_problem_names_file_field_column_and_fix(tmp_path: Path, case: str, body: Any, name: str,
                                                 field: str, column: str | None, message: str,
                                                 hint: str) -> None:
    path = _write(tmp_path, name, body)
    with pytest.raises(ContractError) as err:
        load_contract(path)
    hits = [p for p in err.value.problems if p.field == field]
    assert hits, [str(p) for p in err.value.problems]
    (p,) = hits
    assert (p.file, p.column) == (path, column)
    assert message in p.message
    assert hint in p.hint
    assert str(path) in str(err.value)


@pytest.mark.parametrize(("checks", "severity", "on_fail"), [
    (["mobile"], "warn", "keep"),  # a format check on an optional PII column warns
    ([{"mobile": None, "severity": "error"}], "error", "keep"),
    ([{"mobile": None, "on_fail": "set_null"}], "warn", "set_null"),
    ([{"regex": "^1", "severity": "warn"}], "warn", "keep"),
])
def test_severity_defaults_and_options(tmp_path: Path, checks: list, severity: str, on_fail: str) -> None:
    contract = load_contract(_write(tmp_path, "grid_event", _phone_checks(_doc(), checks)))
    col = contract.column("reporter_phone")
    (check,) = col.checks
    assert (col.severity(check), check.on_fail) == (severity, on_fail)


def test_required_and_non_pii_format_checks_stay_errors() -> None:
    c = load_contract(DATASETS_DIR / "timebank_volunteer.yaml")
    phone = c.column("phone")  # required: a bad value cannot be published
    assert [phone.severity(k) for k in phone.checks] == ["error"]
    g = load_contract(DATASETS_DIR / "grid_event.yaml")
    event_id = g.column("event_id")  # not PII
    assert [event_id.severity(k) for k in event_id.checks] == ["error"]


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    doc = _phone_checks(_with(version="two", tier="county"), ["mobil"])
    path = _write(tmp_path, "grid_event", doc)
    with pytest.raises(ContractError) as err:
        load_contract(path)
    assert {"version", "tier", "columns.5.checks.0"} <= {p.field for p in err.value.problems}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped contracts with a broken grid_event, as SHUCANG_CONTRACTS."""
    d = tmp_path / "contracts"
    d.mkdir()
    for dataset in GOOD:
        shutil.copy(DATASETS_DIR / f"{dataset}.yaml", d)
    _write(d, "grid_event", _phone_checks(_doc(), ["mobil"]))
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(d))
    return d


def test_loading_keeps_the_good_contracts_and_lists_the_bad(folder: Path) -> None:
    loaded = read_contracts()
    assert sorted(loaded.contracts) == sorted(GOOD)
    assert loaded.broken == [folder / "grid_event.yaml"]
    assert [p.tier for p in loaded.problems] == ["district"]
    assert loaded.problems_of_tier("district") == loaded.problems
    assert loaded.problems_of_tier("city") == []


def test_contracts_check_reports_every_problem_and_exits_1(folder: Path) -> None:
    broken = _write(folder, "household_register", "id: household_register\ncolumns: [\n")
    done = CliRunner().invoke(main, ["contracts", "check"])
    assert done.exit_code == 1, done.output
    assert str(folder / "grid_event.yaml") in done.output
    assert "column reporter_phone, field columns.5.checks.0: Value error, unknown check 'mobil'" in done.output
    assert str(broken) in done.output and "cannot read contract at line 3" in done.output
    assert "hint: check indentation" in done.output
    assert f"2 problem(s) in 2 of {len(GOOD) + 1} contract(s)" in done.output
    assert "Traceback" not in done.output and done.exception is None or isinstance(done.exception, SystemExit)


def test_contracts_check_of_good_files_exits_0(folder: Path) -> None:
    files = [str(folder / f"{d}.yaml") for d in ("elderly_care", "market_entity", "parking_lot")]
    done = CliRunner().invoke(main, ["contracts", "check", *files])
    assert done.exit_code == 0, done.output
    assert "3 contract(s) valid (city, community, province)" in done.output


def test_shipped_contracts_check_clean() -> None:
    done = CliRunner().invoke(main, ["contracts", "check", *map(str, sorted(DATASETS_DIR.glob("*.yaml")))])
    assert done.exit_code == 0, done.output


def test_feeds_list_warns_and_lists_the_rest(folder: Path) -> None:
    done = CliRunner().invoke(main, ["feeds", "list"])
    assert done.exit_code == 0, done.output
    assert "warning:" in done.output and "grid_event.yaml is left out" in done.output
    for dataset in GOOD:
        assert dataset in done.output


def test_catalog_list_warns_and_lists_the_rest(folder: Path) -> None:
    """The models that read grid_event are left out with it; every other dataset is listed."""
    from transforms.model import load_models

    done = CliRunner().invoke(main, ["catalog", "list"])
    assert done.exit_code == 0, done.output
    assert "grid_event.yaml is left out" in done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines()[1:]}
    readers = {m.id for m in load_models().values() if "grid_event" in m.inputs}
    assert readers and not (readers | {"grid_event"}) & listed
    assert set(GOOD) <= listed


def test_tier_dag_builds_and_its_contracts_task_names_the_broken_file(folder: Path) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    from shucang.dag_factory import build_tier_dag

    district = build_tier_dag("district")
    with pytest.raises(AirflowFailException, match=r"grid_event\.yaml: column reporter_phone, "
                                                   r"field columns\.5\.checks\.0"):
        district.get_task("contracts").python_callable()
    assert district.get_task("datasets").python_callable() == ["care_home_beds", "floating_population"]
    city = build_tier_dag("city")  # grid_event declares the district tier: the city is not told
    assert city.get_task("contracts").python_callable() == 2
    assert city.get_task("datasets").python_callable() == ["parking_berth_occupancy", "parking_lot"]


def test_dag_files_parse_past_a_broken_contract(folder: Path) -> None:
    """The DAG files that read contracts at parse time build every DAG but the broken feed's."""
    import importlib

    import dags.access
    import dags.catalog

    for module in (dags.access, dags.catalog):
        importlib.reload(module)
    assert dags.catalog.shucang_backflow.dag_id == "shucang_backflow"
    assert dags.access.shucang_access_rebuild.dag_id == "shucang_access_rebuild"
