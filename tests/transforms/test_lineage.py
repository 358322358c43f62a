"""Column lineage with sqlglot: one case per construct the models use."""

from __future__ import annotations

import pytest

from transforms.lineage import LineageError, column_lineage, output_columns

SCHEMA = {
    "a": {"id": "VARCHAR", "x": "BIGINT", "y": "BIGINT", "t": "TIMESTAMP"},
    "b": {"id": "VARCHAR", "code": "VARCHAR"},
}


@pytest.mark.parametrize(
    ("sql", "column", "sources", "direct"),
    [
        ("SELECT id FROM a", "id", [("a", "id")], True),
        ("SELECT id AS k FROM a", "k", [("a", "id")], True),
        ("SELECT x + y AS s FROM a", "s", [("a", "x"), ("a", "y")], False),
        ("SELECT count(*) AS n FROM a", "n", [], False),
        ("SELECT a.id, b.code FROM a JOIN b ON a.id = b.id", "code", [("b", "code")], True),
        ("WITH c AS (SELECT id, x * 2 AS d FROM a) SELECT d FROM c", "d", [("a", "x")], False),
        ("WITH c AS (SELECT id FROM a) SELECT id FROM c", "id", [("a", "id")], True),
        ("SELECT id FROM a UNION SELECT id FROM b", "id", [("a", "id"), ("b", "id")], True),
        ("SELECT * FROM b", "code", [("b", "code")], True),
        ("SELECT date_trunc('hour', t) AS h FROM a", "h", [("a", "t")], False),
        (
            "SELECT avg(CASE WHEN hour(t) > 8 THEN x END) AS m FROM a",
            "m",
            [("a", "t"), ("a", "x")],
            False,
        ),
    ],
)
def test_lineage_cases(sql: str, column: str, sources: list[tuple[str, str]], direct: bool) -> None:
    lin = column_lineage(sql, SCHEMA)[column]
    assert list(lin.sources) == sorted(sources)
    assert lin.direct is direct


def test_star_is_expanded_against_the_schema() -> None:
    assert output_columns("SELECT * FROM b", SCHEMA) == ["id", "code"]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT nope FROM a", "nope"),
        ("INSERT INTO a VALUES (1)", "one SELECT"),
        ("SELECT FROM WHERE", "m.sql"),
    ],
)
def test_unresolvable_sql_names_the_model(sql: str, message: str) -> None:
    with pytest.raises(LineageError, match="m.sql") as err:
        column_lineage(sql, SCHEMA, "m.sql")
    assert message in str(err.value)
