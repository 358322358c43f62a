"""The `sql` source kind: a table or query of a department database (库表对接: PostgreSQL,
MySQL/MariaDB, SQLite) read from the incremental cursor on through a server-side cursor, in
batches, each batch landed as one Parquet file (the database's types kept).

The contract names the connection, never its credentials: `connection: civil_affairs` is the URL in
SHUCANG_SQL_CIVIL_AFFAIRS_URL or `[sql.civil_affairs] url` in SHUCANG_SECRETS_FILE (else the file
$SHUCANG_FEEDS/sql/civil_affairs.sqlite when it exists, the embedded demo's department database).

Incremental reads take rows whose cursor is at or after the latest published cursor, ordered by
the cursor and the key, so a row that arrives later with the boundary's cursor value is not lost;
the rows at the boundary that the latest load already landed unchanged are left out, so an
unchanged table lands nothing. A boundary row landed again (changed, or landed by an older load) is
upserted by its key at publish: no loss and no duplicate."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from foundation.settings import family_variable, secret, settings
from sources.base import Candidate, FeedUnavailable, Fetch, SourceBase, SourceError

NAME = r"^[a-z][a-z0-9_]*$"


def database_url(connection: str) -> str:
    """The SQLAlchemy URL of `connection` (see the module docstring); SourceError when none is set."""
    url = secret("sql", connection, "url")
    if url:
        return url
    embedded = settings().feeds / "sql" / f"{connection}.sqlite"
    if embedded.is_file():
        return f"sqlite:///{embedded}"
    raise SourceError(f"no database for connection {connection!r}: set "
                      f"{family_variable('sql', connection, 'url')} or [sql.{connection}] url in "
                      "SHUCANG_SECRETS_FILE")


def typed_cursor(text: str) -> Any:
    """The published cursor's ISO text as the value the database compares: an integer, a
    timestamp, a date, else the text."""
    for parse in (int, dt.datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return text


def _value_text(v: Any) -> str | None:
    """A value as text that survives the batch's Arrow typing: numbers by their value (SQLite
    keeps 999.0 as 999; a decimal column's scale is the batch's widest)."""
    if v is None or isinstance(v, bool):
        return None if v is None else str(v)
    if isinstance(v, (int, float, Decimal)):
        return str(Decimal(str(v)).normalize())
    return str(v)


def _row_text(row: Sequence[Any]) -> str:
    """A row's values as comparable text (the same for a database row and its Parquet copy)."""
    return json.dumps([_value_text(v) for v in row], ensure_ascii=False)


def _column(values: list[Any]) -> Any:
    """One column of a batch as an Arrow array: its own type when the values share one, else text
    (SQLite lets one column hold several types)."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _boundary_rows(recent: Iterable[Path], cursor: str) -> tuple[str | None, set[str]]:
    """The cursor text of the latest landed load's highest cursor value, and its rows at it."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tables = [pq.read_table(p) for p in recent if p.suffix == ".parquet"]
    tables = [t for t in tables if cursor in t.column_names and t.num_rows]
    if not tables:
        return None, set()
    top = max(pc.max(t[cursor]).as_py() for t in tables)
    rows: set[str] = set()
    for t in tables:
        at = t.filter(pc.equal(t[cursor], top))
        rows |= {_row_text(r.values()) for r in at.to_pylist()}
    return _value_text(top), rows


class SqlSource(SourceBase):
    """A database table (`location: schema.table`) or a `query`, read in batches from the cursor on."""

    kind: Literal["sql"] = "sql"
    format: Literal["parquet"] = "parquet"
    connection: Annotated[str, Field(pattern=NAME)]  # names the URL's setting, never holds it
    location: str = ""  # the table, `name` or `schema.name`
    query: str | None = None  # or one SELECT (without a trailing semicolon)
    batch_rows: Annotated[int, Field(gt=0)] = 50_000

    @model_validator(mode="after")
    def _table_or_query(self) -> SqlSource:
        if bool(self.location) == bool(self.query):
            raise ValueError("give the table as `location` or a `query`, not both or neither")
        return self

    def increments(self, cursor: str | None) -> bool:
        """With a cursor, a load is the rows changed since the last one."""
        return cursor is not None

    def _select(self, request: Fetch) -> Any:
        import sqlalchemy as sa

        if self.query:
            src: Any = sa.text(self.query.strip().rstrip(";")).columns().subquery("src")
        else:
            schema, _, table = self.location.rpartition(".")
            src = sa.table(table, schema=schema or None)
        stmt = sa.select(sa.text("*")).select_from(src)
        order: list[Any] = [sa.column(c) for c in (request.cursor, *request.key) if c]
        if request.cursor and request.since is not None:
            stmt = stmt.where(sa.column(request.cursor) >= sa.bindparam("since", typed_cursor(request.since)))
        return stmt.order_by(*order)

    def fetch(self, request: Fetch) -> list[Candidate]:
        """Every batch of rows from the cursor on as Parquet files under `request.workdir`.
        An unreachable database raises FeedUnavailable (a retry may succeed)."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        import sqlalchemy as sa
        from sqlalchemy.pool import NullPool

        url = database_url(self.connection)
        shown = sa.make_url(url).render_as_string(hide_password=True)
        top, landed = (_boundary_rows(request.recent, request.cursor) if request.cursor
                       and request.since is not None else (None, set()))
        dest = request.workdir / "fetched"
        dest.mkdir(parents=True, exist_ok=True)
        out: list[Candidate] = []
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as con:
                result = con.execution_options(stream_results=True, yield_per=self.batch_rows).execute(
                    self._select(request))
                names = list(result.keys())
                at = names.index(request.cursor) if request.cursor in names else None
                for rows in result.partitions(self.batch_rows):
                    if landed and at is not None:
                        rows = [r for r in rows if _value_text(r[at]) != top or _row_text(r) not in landed]
                    if not rows:
                        continue
                    columns = [_column(list(col)) for col in zip(*rows, strict=True)]
                    path = dest / f"batch-{len(out) + 1:05d}.parquet"
                    pq.write_table(pa.table(columns, names=names), path, compression="zstd")
                    out.append(Candidate(f"{shown}#{self.location or 'query'}#{path.name}", path, path.name))
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as e:
            raise FeedUnavailable(f"{request.dataset}: database {shown} unavailable: {e.orig}") from e
        except sa.exc.DBAPIError as e:
            raise SourceError(f"{request.dataset}: reading {self.location or 'the query'} from {shown}"
                              f" failed: {e.orig}") from e
        finally:
            engine.dispose()
        return out
