"""The documented CLI flow end to end through `shucang` (click's runner): organizations, users,
a request, review and narrowing, a query, a refusal (exit 3), revocation, the audit export."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shucang.cli import main
from tests.support.access_world import XIXI, grid_rows, household_rows, publish


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output


@pytest.fixture
def cli_city(home: object) -> None:
    publish("household_register", household_rows())
    publish("grid_event", grid_rows())
    _run("orgs", "add", "bureau", "市数据资源管理局", "--kind", "bureau")
    _run("orgs", "add", "psb", "省公安厅", "--kind", "department")
    _run("orgs", "add", "xixi", "西溪街道", "--kind", "street", "--code", XIXI)
    _run("users", "add", "wang", "王审核", "--org", "bureau", "--role", "reviewer")
    _run("users", "add", "li", "李科长", "--org", "psb", "--role", "reviewer")
    _run("users", "add", "chen", "陈网格员", "--org", "xixi")


def test_cli_flow(cli_city: None) -> None:
    assert "household_register" in _run("requests", "catalog")
    rid = _run(
        "requests",
        "submit",
        "--as",
        "chen",
        "--purpose",
        "核查独居老人",
        "--scenario",
        "网格走访",
        "--dataset",
        "household_register:name,sex,resident_id,community_code",
        "--rows",
        f"street_code={XIXI}",
        "--end",
        "2027-06-30",
    ).strip()
    assert "submitted" in _run("requests", "list")
    _run("grants", "review", rid, "--as", "wang")
    assert (
        _run(
            "grants",
            "narrow",
            rid,
            "--as",
            "li",
            "--dataset",
            "household_register",
            "--columns",
            "name,sex,community_code",
            "--end",
            "2027-03-31",
            "--reason",
            "最小必要",
        ).strip()
        == "active"
    )
    shown = _run("requests", "show", rid)
    assert '"resident_id": "resident_id"' in shown and "最小必要" in shown
    grant_id = _run("grants", "list", "--status", "active").splitlines()[1].split("\t")[0]
    out = _run(
        "query",
        "--grant",
        grant_id,
        "--as",
        "chen",
        "SELECT community_code, count(*) AS n FROM household_register GROUP BY 1 ORDER BY 1",
    )
    assert out.splitlines()[0] == "community_code\tn" and len(out.splitlines()) == 3
    token = _run("tokens", "issue", "chen").strip()
    assert "张**" in _run(
        "query",
        "--grant",
        grant_id,
        "--token",
        token,
        "--format",
        "json",
        "SELECT name FROM household_register WHERE name LIKE '张%'",
    )
    refused = _run("query", "--grant", grant_id, "--as", "chen", "SELECT * FROM grid_event", code=3)
    assert "QueryRefused" in refused
    nested = _run("query", "--grant", grant_id, "--as", "chen", "SELECT " + "NOT " * 200 + "true", code=3)
    assert "nested" in nested and "Traceback" not in nested
    assert '"grant_id"' in _run("grants", "show", grant_id)
    assert _run("grants", "rebuild", "--dataset", "household_register").strip() == (f"rebuilt {grant_id}")
    assert _run("grants", "rebuild", grant_id).strip() == f"rebuilt {grant_id}"
    assert _run("grants", "expire") == ""  # nothing is due yet
    assert _run("requests", "overdue").splitlines()[1:] == []
    assert "chen" in _run("users", "list") and "xixi" in _run("orgs", "list")
    _run("tokens", "revoke", token.split("_")[1])
    assert "AuthenticationError" in _run("query", "--grant", grant_id, "--token", token, "SELECT 1", code=3)
    _run("grants", "revoke", grant_id, "--as", "wang", "--reason", "用途完成")
    assert "revoked" in _run("query", "--grant", grant_id, "--as", "chen", "SELECT 1", code=3)
    assert "access_audit snapshot" in _run("grants", "audit", "--export")
    audit_lines = _run("grants", "audit", "--grant", grant_id).splitlines()
    assert len(audit_lines) == 1 + 6  # header + 2 ok queries + 4 refusals (one a revoked token)
    assert any(line.split("\t")[2] == f"token:{token.split('_')[1]}" for line in audit_lines)


def test_cli_refuses_classification_with_exit_3(cli_city: None) -> None:
    submit = ("requests", "submit", "--as", "chen", "--purpose", "p", "--scenario", "s")
    rows = ("--rows", f"street_code={XIXI}", "--end", "2027-01-01")
    out = _run(*submit, "--dataset", "household_register:resident_id:raw", *rows, code=3)
    assert "ClassificationError" in out
    assert "ScopeError" in _run(*submit, "--dataset", "nope", *rows, code=1)


def test_seed_is_idempotent(home: object) -> None:
    first = _run("orgs", "seed", "--tokens").splitlines()
    again = _run("orgs", "seed").splitlines()
    assert [line.split("\t")[:3] for line in first] == [line.split("\t") for line in again]
    assert any(line.startswith("staff-330106005\tstreet-330106005\trequester\tsct_") for line in first)
    owners = _run("orgs", "list")
    assert "省公安厅" in owners and "翠苑街道" in owners
    assert "OrganizationError" in _run("orgs", "seed", "--street", "330106005001", code=1)
