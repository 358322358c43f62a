"""Small-cell suppression of the gateway (threshold rule, minimum query-set size): every figure an
analyst's statement computes from records - any aggregate, whatever expression wraps it, and any
window - is computed over at least SMALL_CELL records, or its row is not returned. Works on the
qualified sqlglot statement before granted relations are replaced; pure, executes nothing.

How it holds whatever expression computes the figure: the guard does not look for `count(...)`;
it looks at every SELECT scope. A scope that aggregates gets `HAVING count(*) >= SMALL_CELL` added
to its own HAVING, so no group of fewer records leaves it, whatever its projections compute from
the group (count(*)+0, casts, count_star(), sum(1), len(list(x)), approx_count_distinct, ...). A
scope with windows gets `QUALIFY count(*) OVER (PARTITION BY <the window's partition>) >=
SMALL_CELL`. Where the records behind a row could repeat (an aggregate or window over a join or a
UNION of records) the count would not be the number of records, so such statements are refused;
so are constructs that count a subset inside one group (FILTER, an aggregate over an expression,
histograms, aggregate windows with ORDER BY or a frame). Grants whose purpose is statistics (统计)
return aggregate output only. docs/access.md states what differencing attacks remain.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import duckdb
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from access.errors import QueryRefused

SMALL_CELL = 5  # a figure is shown only when computed from at least this many records
STATISTICS_MARK = "统计"  # a grant whose purpose says this returns aggregate output only
# Aggregates whose one result breaks a group down by value (a count per value inside one cell).
_BREAKDOWNS = {"histogram", "histogram_exact", "histogram_values", "approx_top_k"}
# Aggregates returning the group's values themselves: row-level output, refused for statistics.
_COLLECTIONS = {"list", "array_agg", "string_agg", "group_concat", "listagg", "arrayagg",
                "groupconcat", "array_concat_agg", "bitstring_agg"}
_SOURCES = {"from_", "joins", "with_"}  # a SELECT's sources: scopes of their own
_PLAIN_ARGUMENT = (exp.Column, exp.Literal, exp.Star, exp.Null, exp.Boolean)


def _refuse(msg: str) -> QueryRefused:
    return QueryRefused(f"refused: {msg}")


@functools.lru_cache(maxsize=1)
def duckdb_aggregates() -> frozenset[str]:
    """Names of every aggregate function DuckDB knows (asked of DuckDB itself, so an aggregate
    sqlglot does not model, such as count_star or count_if, is still one)."""
    con = duckdb.connect(config={"enable_external_access": False})
    try:
        rows = con.execute("SELECT DISTINCT function_name FROM duckdb_functions()"
                           " WHERE function_type = 'aggregate'").fetchall()
    finally:
        con.close()
    return frozenset(r[0].lower() for r in rows)


def _name(node: exp.Func) -> str:
    return (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()


def _is_aggregate(node: exp.Expr) -> bool:
    return isinstance(node, exp.AggFunc) or (
        isinstance(node, exp.Func) and _name(node) in duckdb_aggregates())


def _own(select: exp.Select) -> Iterator[exp.Expr]:
    """The nodes of `select` itself, not those of the queries nested in it (their own scopes)."""
    stack: list[exp.Expr] = [e for k, v in select.args.items() if k not in _SOURCES
                             for e in (v if isinstance(v, list) else [v])
                             if isinstance(e, exp.Expr)]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Query | exp.Subquery):
            continue
        yield node
        stack.extend(node.iter_expressions())


def _windowed(node: exp.Expr) -> bool:
    return isinstance(node.parent, exp.Window) and node.parent.this is node


def _aggregating(select: exp.Select) -> bool:
    if select.args.get("group") or select.args.get("having"):
        return True
    return any(_is_aggregate(n) and not _windowed(n) for n in _own(select))


def _kind(scope: Scope) -> str:
    """What a scope's rows are: "records" (each row one record, at most once), "cells" (each row
    a group already held to SMALL_CELL records) or "repeated" (a record may stand in many rows)."""
    query = scope.expression
    if isinstance(query, exp.SetOperation):
        branches = {_kind(s) for s in scope.set_operation_scopes}
        return "cells" if branches == {"cells"} else "repeated"
    if isinstance(query, exp.Select) and _aggregating(query):
        return "cells"
    kinds = [_kind(s) if isinstance(s, Scope) else "records" for s in scope.sources.values()]
    if kinds and all(k == "cells" for k in kinds):
        return "cells"
    return kinds[0] if len(kinds) == 1 else ("records" if not kinds else "repeated")


def _check_aggregate(node: exp.Func, statistics: bool) -> None:
    name = _name(node)
    if name in _BREAKDOWNS:
        raise _refuse(f"{name}() counts values inside one group; GROUP BY the column instead")
    if statistics and name in _COLLECTIONS:
        raise _refuse(f"{name}() returns the records' values; this statistics (统计) grant returns"
                      " aggregate figures only")
    for arg in node.iter_expressions():
        inner = arg.expressions if isinstance(arg, exp.Distinct) else [arg]
        for a in inner:
            if not isinstance(a, _PLAIN_ARGUMENT):
                raise _refuse(
                    f"{name}() over an expression ({a.sql('duckdb')[:40]}): aggregates take a"
                    " column, a constant or *; filter rows with WHERE and compute on the result,"
                    " so every figure comes from the records the threshold counts")


def _at_least(count: exp.Expr) -> exp.Expr:
    return exp.GTE(this=count, expression=exp.Literal.number(SMALL_CELL))


def _count_star() -> exp.Count:
    return exp.Count(this=exp.Star())


def _window_threshold(window: exp.Window) -> exp.Expr:
    partition = [p.copy() for p in window.args.get("partition_by") or []]
    return _at_least(exp.Window(this=_count_star(), partition_by=partition or None))


def _enforce_scope(scope: Scope, statistics: bool) -> None:
    select = scope.expression
    if not isinstance(select, exp.Select):
        return
    own = list(_own(select))
    if any(isinstance(n, exp.Filter) for n in own):
        raise _refuse("aggregate FILTER (WHERE ...) counts a subset of the group; put the"
                      " condition in WHERE")
    windows = [n for n in own if isinstance(n, exp.Window)]
    aggregating = _aggregating(select)
    for node in own:
        if _is_aggregate(node) and isinstance(node, exp.Func):
            _check_aggregate(node, statistics)
    for window in windows:
        if statistics and not aggregating:
            raise _refuse("a window over records returns one figure per record; this statistics"
                          " (统计) grant returns aggregate figures only")
        if _is_aggregate(window.this) and (window.args.get("order") or window.args.get("spec")):
            raise _refuse("an aggregate window with ORDER BY or a frame gives running figures"
                          " whose differences count small groups; use PARTITION BY only")
    if not (aggregating or windows):
        return
    sources = [_kind(s) if isinstance(s, Scope) else "records" for s in scope.sources.values()]
    if "repeated" in sources or (len(sources) > 1 and set(sources) != {"cells"}):
        raise _refuse("an aggregate or window over a join or a UNION of records: a record may"
                      " stand in several rows, so its figures could not be held to"
                      f" {SMALL_CELL} records; aggregate each relation first, then join the results")
    if sources and set(sources) == {"cells"}:
        return  # its rows are groups already held to the threshold: figures of those add records
    if aggregating:
        select.having(_at_least(_count_star()), copy=False)
    for window in windows:
        select.qualify(_window_threshold(window), copy=False)


def enforce(stmt: exp.Expr, statistics: bool) -> None:
    """Add the small-cell threshold to every aggregating or windowing scope of the qualified
    `stmt` (in place); QueryRefused for what cannot be held to it, and, under a statistics grant,
    for output that is not aggregate."""
    scopes = traverse_scope(stmt)
    for scope in scopes:
        _enforce_scope(scope, statistics)
    if statistics and scopes and _kind(scopes[-1]) != "cells":
        raise _refuse("this grant's purpose is statistics (统计): it returns aggregate figures"
                      " only (GROUP BY ... with count(*), sum(...), avg(...)), not records")
