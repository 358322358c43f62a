"""Static guard of the gateway: parses analyst SQL with sqlglot *and* DuckDB's own parser, refuses
everything but one plain SELECT over granted relations, qualifies it against the granted schema and
replaces every relation by the grant's filtered subquery before the analyst's predicates apply.
Pure: it executes nothing (DuckDB is used only to serialize parse trees), and knows no grant state.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope
from sqlglot.tokens import Tokenizer, TokenType

from access import suppression
from access.errors import QueryRefused

MAX_SQL_CHARS = 20_000
# Both parsers (and json.loads of DuckDB's tree) recurse once per nesting level and per operand of a
# chained operator; Python's stack ends near 50 nested parentheses in sqlglot and 400 chained `+`
# in DuckDB's JSON. The limits sit well below, so every statement that passes them parses.
MAX_NESTING = 24  # parentheses, CASE ... END and runs of NOT, counted together
MAX_OPERATORS = 200  # binary operators in the whole statement
_OPENS = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE, TokenType.CASE}
_CLOSES = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE, TokenType.END}
_OPERATORS = {
    TokenType.PLUS, TokenType.DASH, TokenType.STAR, TokenType.SLASH, TokenType.MOD,
    TokenType.DPIPE, TokenType.EQ, TokenType.NEQ, TokenType.LT, TokenType.LTE, TokenType.GT,
    TokenType.GTE, TokenType.AND, TokenType.OR, TokenType.DIV, TokenType.CARET, TokenType.AMP,
    TokenType.PIPE, TokenType.DCOLON, TokenType.ARROW,
}
# Functions that reach outside the query (files, settings, catalogs, variables) or build rows from
# whole relations: refused by name whatever sqlglot class they parse to.
_FORBIDDEN_FUNCTION = re.compile(
    r"^(read_\w*|\w*_scan|glob|sniff_csv|parquet_\w+|duckdb_\w+|pragma_\w+|current_setting|"
    r"getvariable|setvariable|getenv|query|query_table|json_serialize_\w*|json_deserialize_\w*|"
    r"sql_auto_complete|which_secret|iceberg_\w+|delta_\w+|postgres_\w+|sqlite_\w+|mysql_\w+|"
    r"http\w*|load_\w+|install_\w+|enable_\w+|disable_\w+|checkpoint|force_checkpoint|"
    r"row|struct_pack|columns|unnest|range|generate_series|repeat_row|summary|test_\w+|"
    r"current_database|current_schema|current_schemas|current_catalog|version|"
    r"has_\w+_privilege|pg_\w+|txid_current|current_query|error|finalize|\w*_macro)$",
    re.IGNORECASE,
)
_FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = (
    exp.Columns,
    exp.Placeholder,
    exp.Parameter,
    exp.Into,
    exp.Lateral,
    exp.Unnest,
    exp.Pivot,
    exp.Command,
    exp.Pragma,
    exp.Set,
    exp.SessionParameter,
    exp.ReadCSV,
    exp.ReadParquet,
)
# Functions whose arguments say how large a value to build: those arguments must be constants of at
# most MAX_BUILT, so no statement can ask for a 100-million-character string or list.
_SIZED_FUNCTIONS = {"repeat", "pad", "lpad", "rpad", "list_resize", "array_resize"}
MAX_BUILT = 10_000
_ALLOWED_TABLE_ARGS = {"this", "alias"}
_DUCKDB_ROOTS = {"SELECT_NODE", "SET_OPERATION_NODE"}


@dataclass(frozen=True)
class Relation:
    """A granted relation: its visible columns (name -> DuckDB type) and the subquery replacing it
    (granted rows only, already masked), plus the files that subquery may read."""

    columns: Mapping[str, str]
    source_sql: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Rewritten:
    """The statement to execute and what it reads."""

    sql: str
    relations: tuple[str, ...]


def _refuse(msg: str) -> QueryRefused:
    return QueryRefused(f"refused: {msg}")


def check_size(sql: str) -> None:
    """Refuse, before any parser sees it, a statement too long, too deeply nested or with too many
    operators to parse without exhausting the stack; the tokenizer used here does not recurse."""
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(f"statement longer than {MAX_SQL_CHARS} characters")
    try:
        tokens = Tokenizer(dialect="duckdb").tokenize(sql)
    except SqlglotError as e:
        raise _refuse(f"cannot read the statement: {str(e).splitlines()[0]}") from None
    depth = deepest = operators = nots = 0
    for token in tokens:
        nots = nots + 1 if token.token_type == TokenType.NOT else 0  # NOT NOT x nests unbracketed
        if token.token_type in _OPENS:
            depth += 1
        elif token.token_type in _CLOSES:
            depth -= 1
        elif token.token_type in _OPERATORS:
            operators += 1
        deepest = max(deepest, depth + nots)
    if deepest > MAX_NESTING:
        raise _refuse(f"expressions nested {deepest} levels deep; at most {MAX_NESTING} are read"
                      " (write the condition flat, or use a CTE)")
    if operators > MAX_OPERATORS:
        raise _refuse(f"{operators} operators in one statement; at most {MAX_OPERATORS} are read"
                      " (use IN (...) instead of a chain of OR/=, or several statements)")


_local = threading.local()


def _parser() -> duckdb.DuckDBPyConnection:
    """This thread's data-less DuckDB connection, used only to serialize parse trees (opening a
    database costs ~70 ms, so it is kept)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(config={"autoload_known_extensions": False,
                                                  "autoinstall_known_extensions": False,
                                                  "enable_external_access": False})
    return con


def _duckdb_tree(sql: str) -> list[dict[str, Any]]:
    """DuckDB's own parse of `sql` (statements as JSON); refuses what DuckDB cannot serialize."""
    try:
        raw = _parser().execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()
    except duckdb.Error as e:
        raise _refuse(f"DuckDB cannot read the statement: {e}") from None
    tree: dict[str, Any] = json.loads(raw[0]) if raw else {"error": True}
    if tree.get("error"):
        raise _refuse(
            f"DuckDB reads this as something other than one SELECT: "
            f"{tree.get('error_message', tree.get('error_type', 'unknown'))}"
        )
    statements: list[dict[str, Any]] = tree["statements"]
    return statements


def _walk_json(
    node: Any, ctes: frozenset[str] = frozenset()
) -> Iterator[tuple[dict[str, Any], frozenset[str]]]:
    """Every object of DuckDB's parse tree with the CTE names in scope where it stands: a CTE is
    visible inside the query node that defines it, never elsewhere in the statement."""
    if isinstance(node, dict):
        defined = node.get("cte_map", {}).get("map") if isinstance(node.get("cte_map"), dict) else None
        if isinstance(defined, list):
            ctes = ctes | {str(e["key"]).lower() for e in defined if isinstance(e, dict) and "key" in e}
        yield node, ctes
        for v in node.values():
            yield from _walk_json(v, ctes)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_json(v, ctes)


def _duckdb_check(sql: str, names: set[str], files: set[str] | None) -> None:
    """What DuckDB reads: one SELECT; base tables only among `names`; table functions only
    read_parquet over `files` (None: no table function at all); no forbidden function."""
    statements = _duckdb_tree(sql)
    if len(statements) != 1:
        raise _refuse(f"DuckDB reads {len(statements)} statements; send exactly one SELECT")
    root = statements[0]["node"]
    if root.get("type") not in _DUCKDB_ROOTS:
        raise _refuse(f"DuckDB reads a {root.get('type')}, not a SELECT")
    for node, ctes in _walk_json(root):
        kind = node.get("type")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", "")).lower()
            if node.get("schema_name") or node.get("catalog_name") or name not in names | ctes:
                raise _refuse(
                    f"DuckDB reads a reference to table {node.get('table_name')!r} that"
                    " is not granted"
                )
        elif kind == "TABLE_FUNCTION":
            fn = node.get("function", {})
            args = [
                a.get("literal", {}).get("text")
                for a, _ in _walk_json(fn.get("arguments", []))
                if a.get("class") == "CONSTANT"
            ]
            if files is None or fn.get("function_name") != "read_parquet" or not set(args) <= files:
                raise _refuse(f"table function {fn.get('function_name')} is not allowed")
        elif node.get("class") == "FUNCTION" and kind == "FUNCTION":
            fname = str(node.get("function_name", ""))
            if _FORBIDDEN_FUNCTION.match(fname) and not (
                files and fname in ("read_parquet", "list_value")
            ):
                raise _refuse(f"function {fname}() is not allowed")


def _sqlglot_statement(sql: str) -> exp.Query:
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except SqlglotError as e:
        raise _refuse(f"cannot parse the statement: {str(e).splitlines()[0]}") from None
    if len(statements) != 1:
        raise _refuse(f"{len(statements)} statements; send exactly one SELECT")
    stmt = statements[0]
    if not isinstance(stmt, exp.Select | exp.SetOperation):
        raise _refuse(f"{stmt.key.upper()} statements are not allowed; only SELECT")
    return stmt


def _check_sizes(node: exp.Func, name: str) -> None:
    for arg in list(node.iter_expressions())[1:]:
        too_big = arg.is_number and abs(float(arg.name)) > MAX_BUILT
        if not isinstance(arg, exp.Literal) or too_big:
            raise _refuse(f"{name}() builds values whose size is given by {arg.sql('duckdb')[:40]}:"
                          f" give a constant of at most {MAX_BUILT}")


def _cte_in_scope(table: exp.Table) -> bool:
    """Whether a CTE named like `table` is defined by a query enclosing it (scope, not text)."""
    name = table.name.lower()
    node = table.parent
    while node is not None:
        with_ = node.args.get("with_") if isinstance(node, exp.Query) else None
        if with_ is not None and any(c.alias_or_name.lower() == name for c in with_.expressions):
            return True
        node = node.parent
    return False


def _check_nodes(stmt: exp.Expr, relations: Mapping[str, Relation]) -> set[str]:
    """Refuse forbidden constructs; return the CTE names the statement defines."""
    ctes: set[str] = set()
    for node in stmt.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise _refuse(f"{node.key.upper()} is not allowed ({node.sql('duckdb')[:60]})")
        if isinstance(node, exp.Func):
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            if _FORBIDDEN_FUNCTION.match(name) or _FORBIDDEN_FUNCTION.match(node.key):
                raise _refuse(f"function {name}() is not allowed")
            if name.lower() in _SIZED_FUNCTIONS:
                _check_sizes(node, name)
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise _refuse("recursive CTEs are not allowed")
        if isinstance(node, exp.CTE):
            name = node.alias_or_name.lower()
            if name in relations or name in ctes:
                raise _refuse(f"CTE name {name!r} clashes with a granted relation or another CTE")
            ctes.add(name)
        if isinstance(node, exp.Table):
            extra = {k for k, v in node.args.items() if v and k not in _ALLOWED_TABLE_ARGS}
            if not isinstance(node.this, exp.Identifier) or extra:
                raise _refuse(
                    f"table expression {node.sql('duckdb')[:60]!r} is not a plain relation name"
                )
        if isinstance(node, exp.TableAlias):
            name = node.name.lower()
            if name in relations and not (
                isinstance(node.parent, exp.Table) and node.parent.name.lower() == name
            ):
                raise _refuse(f"alias {name!r} clashes with a granted relation")
        if isinstance(node, exp.Star) and not isinstance(
            node.parent, exp.Count | exp.Select | exp.Column
        ):
            raise _refuse("* inside an expression (struct-of-row) is not allowed")
    for table in stmt.find_all(exp.Table):
        if table.args.get("db") or table.args.get("catalog"):
            raise _refuse(f"qualified name {table.sql('duckdb')!r}: name granted relations only")
        name = table.name.lower()
        if name not in relations and not _cte_in_scope(table):
            raise _refuse(
                f"relation {table.name!r} is not in this grant; granted: "
                f"{', '.join(sorted(relations))}"
            )
    return ctes


def _check_row_references(stmt: exp.Expr) -> None:
    """After qualification: refuse struct-of-row (a reference naming a whole relation, `t.*` or `*`
    left inside an expression once projections were expanded)."""
    for node in stmt.walk():
        if isinstance(node, exp.TableColumn):
            raise _refuse(f"{node.name!r} names a whole relation (struct-of-row)")
        if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):
            raise _refuse("* or t.* inside an expression (struct-of-row) is not allowed")
    for scope in traverse_scope(stmt):
        sources = {s.lower() for s in scope.sources}
        for col in scope.columns:
            if not col.table and col.name.lower() in sources:
                raise _refuse(f"{col.name!r} names a whole relation (struct-of-row)")


@functools.lru_cache(maxsize=256)
def _parsed(source_sql: str) -> exp.Expr:
    return sqlglot.parse_one(source_sql, read="duckdb")


def _replace_relations(stmt: exp.Expr, relations: Mapping[str, Relation]) -> list[str]:
    used = []
    for table in list(stmt.find_all(exp.Table)):
        name = table.name.lower()
        if name not in relations:
            continue  # a CTE reference (names cannot clash, checked above)
        alias = table.alias or name
        sub = exp.Subquery(
            this=_parsed(relations[name].source_sql).copy(),
            alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
        )
        table.replace(sub)
        used.append(name)
    return used


_accepted: OrderedDict[tuple[Any, ...], Rewritten] = OrderedDict()
_accepted_lock = threading.Lock()
KEEP_ACCEPTED = 512


def rewrite(sql: str, relations: Mapping[str, Relation], statistics: bool = False) -> Rewritten:
    """Check `sql` and return the statement to execute, with every relation replaced by its
    granted subquery and small cells suppressed (access.suppression; `statistics`: the grant
    returns aggregate output only); QueryRefused (with the reason) for anything else. An accepted statement is
    remembered for the same relations (apps repeat theirs on a schedule); refusals never are."""
    key = (sql, tuple(sorted((n, r.source_sql, tuple(r.columns.items()), r.files)
                             for n, r in relations.items())),
           statistics)
    with _accepted_lock:
        if key in _accepted:
            _accepted.move_to_end(key)
            return _accepted[key]
    try:
        result = _rewrite(sql, relations, statistics)
    except RecursionError:  # a safety net: check_size keeps parsers well inside the stack
        raise _refuse("the statement is nested too deeply to check") from None
    with _accepted_lock:
        _accepted[key] = result
        while len(_accepted) > KEEP_ACCEPTED:
            _accepted.popitem(last=False)
    return result


def _rewrite(sql: str, relations: Mapping[str, Relation], statistics: bool) -> Rewritten:
    check_size(sql)
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in sql) or "\u2028" in sql or "\ufeff" in sql:
        raise _refuse("control characters in the statement")
    relations = {k.lower(): v for k, v in relations.items()}
    _duckdb_check(sql, set(relations), files=None)
    stmt = _sqlglot_statement(sql)
    _check_nodes(stmt, relations)
    schema: dict[str, object] = {name: dict(rel.columns) for name, rel in relations.items()}
    try:
        stmt = qualify(
            stmt,
            schema=schema,
            dialect="duckdb",
            validate_qualify_columns=True,
            expand_stars=True,
            quote_identifiers=True,
        )
    except SqlglotError as e:
        raise _refuse(
            f"{str(e).splitlines()[0]} (granted columns: "
            + "; ".join(f"{n}: {', '.join(r.columns)}" for n, r in relations.items())
            + ")"
        ) from None
    _check_row_references(stmt)
    suppression.enforce(stmt, statistics)
    used = _replace_relations(stmt, relations)
    final = stmt.sql(dialect="duckdb", comments=False)
    files = {f for name in used for f in relations[name].files}
    _duckdb_check(final, set(), files=files)
    return Rewritten(final, tuple(sorted(set(used))))
