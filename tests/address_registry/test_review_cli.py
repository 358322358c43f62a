"""The review queue (ambiguous names are queued, accepted reviews become aliases) and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from address_registry import match_many
from address_registry.registry import build_registry
from address_registry.review import ReviewError, decide, pending
from shucang.cli import main
from tests.support.address_sources import write_sources


@pytest.fixture
def built(home: Path) -> Path:
    write_sources(home / "feeds" / "registry")
    build_registry()
    return home


def test_weak_name_is_queued_not_guessed_and_accepting_adds_an_alias(built: Path) -> None:
    row = match_many(["金都花圆3幢"]).to_pylist()[0]
    assert row["match_level"] == "none" and row["building_code"] is None
    assert "queued for review" in row["reason"]
    [review] = pending()
    assert review.spelling == "金都花圆"
    assert review.candidates[0]["name"] == "金都花园"
    match_many(["金都花圆3幢"])  # the same spelling is queued once
    assert len(pending()) == 1
    decide(review.review_id, accept=True)
    row = match_many(["金都花圆3幢"]).to_pylist()[0]
    assert row["match_level"] == "building"
    with pytest.raises(ReviewError, match="already accepted"):
        decide(review.review_id, accept=True)


def test_cli_round_trip(built: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    parsed = runner.invoke(main, ["address", "parse", "西湖區文三路十二號"])
    assert parsed.exit_code == 0, parsed.output
    assert json.loads(parsed.output)["road_number"] == "12"
    src = tmp_path / "in.txt"
    src.write_text("金都花园3幢\n金都花园3幢\n不详\n", encoding="utf-8")
    matched = runner.invoke(main, ["address", "match", str(src)])
    assert matched.exit_code == 0, matched.output
    assert "2 distinct addresses: building 1, none 1" in matched.output
    built_again = runner.invoke(main, ["registry", "build"])
    assert built_again.exit_code == 0 and "registry v2" in built_again.output
    shown = runner.invoke(main, ["registry", "show"])
    assert "公安 door plates > 民政" in shown.output
    runner.invoke(main, ["address", "match", str(src)])
    assert runner.invoke(main, ["registry", "review"]).output == "no pending reviews\n"


def test_cli_build_without_sources_says_what_is_missing(home: Path) -> None:
    result = CliRunner().invoke(main, ["registry", "build"])
    assert result.exit_code != 0
    assert "doorplates.csv is missing" in result.output


def test_cli_review_accept_and_reject(built: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    src = tmp_path / "in.csv"
    src.write_text("编号,地址\n1,金都花圆3幢\n2,嘉绿3幢\n", encoding="utf-8")
    out = tmp_path / "matched.parquet"
    result = runner.invoke(main, ["address", "match", str(src), "--column", "地址",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    listed = runner.invoke(main, ["registry", "review"])
    assert "'金都花圆'" in listed.output and "score" in listed.output
    ids = {r.spelling: r.review_id for r in pending()}
    accepted = runner.invoke(main, ["registry", "review", "--accept", str(ids["金都花圆"])])
    assert "accepted: 金都花圆 -> " in accepted.output
    rejected = runner.invoke(main, ["registry", "review", "--reject", str(ids["嘉绿"])])
    assert "rejected: 嘉绿" in rejected.output
    again = runner.invoke(main, ["registry", "review", "--reject", str(ids["嘉绿"])])
    assert again.exit_code != 0 and "already rejected" in again.output


def test_cli_match_unknown_column(built: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("编号,地址\n1,金都花园3幢\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["address", "match", str(src), "--column", "住址"])
    assert result.exit_code != 0 and "has no column '住址'" in result.output


def test_review_queue_outage_does_not_stop_matching(built: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    import address_registry.review as review

    def down(*_args: object) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    working = review.enqueue
    monkeypatch.setattr(review, "enqueue", down)
    row = match_many(["金都花圆3幢"]).to_pylist()[0]
    assert row["match_level"] == "none" and "queued for review" in row["reason"]
    monkeypatch.setattr(review, "enqueue", working)
    match_many(["金都花圆3幢"])
    assert [r.spelling for r in pending()] == ["金都花圆"]  # queued on the next match


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_review_queue_on_postgresql(backend: str) -> None:
    """The queue on a PostgreSQL control plane (a schema of its own, dropped afterwards)."""
    import address_registry.review as review

    candidates: list[dict[str, object]] = [{"estate_code": "3301060050552003",
                                            "name": "金都花园", "score": 0.7}]
    assert review.enqueue([("测试花园", "测试花园3幢", candidates)], 1) == 1
    assert review.enqueue([("测试花园", "测试花园3幢", candidates)], 1) == 0
    [queued] = [r for r in review.pending(10_000) if r.spelling == "测试花园"]
    review.decide(queued.review_id, accept=True, by="pytest")
    assert review.aliases()[1]["测试花园"] == "3301060050552003"
