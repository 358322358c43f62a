"""Staging on Spark (`engine: spark`): Spark reads a load's landed CSV files and its executors type
every Arrow batch with the DuckDB path's own SQL (`feeds.stage.typed_select`, `failure_select`,
`duplicate_select`), so both engines read values, quarantine rows and word reasons alike. Spark
numbers the rows, finds keys repeated anywhere in the load and writes the staged rows as Parquet
part files, which DuckDB streams into the one staged.parquet the later steps read. The driver
reads file headers and counts, never rows.

What this path reads: CSV files in UTF-8 or GB18030/GBK, the header on the first line, quoted
fields holding line ends. What the DuckDB path alone reads: title lines above the header, files
mixing encodings or line ends, NUL bytes (it rewrites those record by record)."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from contracts.contract import Contract
from contracts.schema import ADDRESS_COLUMN_NAMES
from feeds.encoding import decodes, detect_encoding
from feeds.errors import EmptyInput, EncodingRejected, LoadRejected
from feeds.readers import RawBatch, check_csv_file, check_header, csv_header, header_names, long_lines
from feeds.records import scan_of
from feeds.stage import (
    ROW_STRIDE,
    StageResult,
    connect,
    duplicate_select,
    empty_row,
    failure_select,
    record_refusals,
    stage_result,
    typed_select,
)
from foundation import faults
from foundation.spark import duck_batches, spark_schema, spark_session, write_parts
from foundation.sql import path as sql_path
from sources.file import FileSource
from warehouse import quarantine
from warehouse.parts import gather
from warehouse.publish import published_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# the Arrow type a contract type is staged as (what DuckDB's typing SQL returns)
ARROW_TYPES = {"integer": pa.int64(), "double": pa.float64(), "date": pa.date32(),
               "timestamp": pa.timestamp("us"), "boolean": pa.bool_(), "string": pa.string()}
CORRUPT = "_corrupt"  # Spark's column for a record that does not split into the header's fields


def _typed_schema(contract: Contract, kept: list[str]) -> pa.Schema:
    """What the typing SQL returns: typed columns, kept text, `_line` (carrying `_row`), `_bad`,
    `_raw`, and `_blank` (a bad row with no value at all)."""
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in contract.columns]
                     + [(k, pa.string()) for k in kept]
                     + [("_line", pa.int64()), ("_bad", pa.bool_()), ("_raw", pa.string()),
                        ("_blank", pa.bool_())])


def _type(contract: Contract, kept: list[str], batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: type raw text rows (`_line` holding `_row`) with the DuckDB path's SQL."""
    select = typed_select(contract, "SELECT * FROM rows", keep_line=True, kept=kept)
    sql = f"SELECT *, _bad AND ({empty_row(contract, kept)}) AS _blank FROM ({select})"
    return duck_batches(connect(), sql, _typed_schema(contract, kept), batches)


def _failures(contract: Contract, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: the quarantine rows of unreadable rows (first failing column, every reason)."""
    return duck_batches(connect(), failure_select(contract, "rows"), quarantine.RECORD, batches)


def _duplicates(contract: Contract, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: the quarantine rows of rows repeating a key (with `_row`, to leave them out)."""
    schema = pa.schema([("_row", pa.int64()), *quarantine.RECORD])
    return duck_batches(duckdb.connect(), duplicate_select(contract, "rows"), schema, batches)


def _malformed(delimiter: str, widths: dict[str, int],
               batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: a record Spark could not split into its file's header fields (`widths`), in
    quarantine shape (the DuckDB path's `malformed_row` record)."""
    for batch in batches:
        raws, files = batch.column(CORRUPT).to_pylist(), batch.column("_file").to_pylist()
        reasons = [f"row does not have the header's fields: Expected Number of Columns: {widths[f]}"
                   f" Found: {len(next(csv.reader([r], delimiter=delimiter), []))}"
                   for r, f in zip(raws, files, strict=True)]
        yield pa.RecordBatch.from_pydict({
            "source_file": batch.column("_file"), "line": batch.column("_line"),
            "column": pa.nulls(len(raws), pa.string()), "raw_value": pa.array(raws, pa.string()),
            "reason_code": pa.array(["malformed_row"] * len(raws), pa.string()),
            "reason": pa.array(reasons, pa.string()),
            "record": pa.array([json.dumps({"line": r}, ensure_ascii=False) for r in raws], pa.string()),
        }, schema=quarantine.RECORD)


def _header(contract: Contract, path: Path, encoding: str, delimiter: str) -> list[str]:
    """The first record of CSV file `path` as the contract spells its names (`header_names`)."""
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        return header_names(contract, next(csv.reader(f, delimiter=delimiter), []))


def unread_by_spark(contract: Contract, files: list[Path]) -> str | None:
    """Why Spark would not read these files exactly as the DuckDB path does, or None. The DuckDB
    path rewrites record by record what Spark would silently get wrong (NUL bytes, mixed or
    CR-only line ends, bytes not in the file's one encoding, which Spark decodes as U+FFFD), skips
    title lines above the header (Spark takes the first line for it), decodes UTF-16 and refuses
    a file holding a line longer than LONG_LINE; a load holding any of them is staged on the
    DuckDB path, which reads or refuses each as it does. (Empty files and files that are
    something else are refused alike on both paths, by `check_csv_file`.) Costs a pass over each
    file of 2 MiB or more for its longest line and one decoding pass over each UTF-8 file
    (GB18030 is judged on the whole file already)."""
    source = contract.source_of(FileSource)
    for path in files:
        try:
            check_csv_file(path)
        except LoadRejected:
            continue  # refused alike on either path
        try:
            long_lines(path, path.name)  # (Spark reads lines of any length the DuckDB path reads)
        except LoadRejected as e:
            return e.message
        try:
            encoding = detect_encoding(path, source.encoding)
        except EncodingRejected as e:
            return f"{path.name}: {e.message}"
        scan = scan_of(path)
        if scan.nul_at >= 0:
            return f"{path.name}: a NUL byte at offset {scan.nul_at}"
        if scan.line_ends - {"lf", "crlf"} or scan.mixed_line_ends:
            return f"{path.name}: line ends {'/'.join(sorted(scan.line_ends))}"
        if encoding == "utf-8" and not (found := decodes(path, "utf-8"))[0]:
            return f"{path.name}: bytes that are not UTF-8 at offset {found[1]}"
        titled = csv_header(contract, path, source.delimiter, encoding=encoding)
        if titled.skip_lines:
            return f"{path.name}: {titled.skip_lines} line(s) above the header"
    return None


def _read_file(spark: SparkSession, contract: Contract, idx: int, path: Path, batch: RawBatch,
               widths: dict[str, int]) -> DataFrame:
    """One landed CSV file as text columns with `_row`, `_file`, `_line` and `_corrupt`; refusals
    (empty, undecodable, header drift) raise LoadRejected as on the DuckDB path. `widths` gets the
    number of fields its header names."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    source = contract.source_of(FileSource)
    check_csv_file(path)
    encoding = detect_encoding(path, source.encoding)
    header = _header(contract, path, encoding, source.delimiter)
    batch.note_extra(idx, path.name, check_header(contract, header, path.name), contract.extra_columns)
    batch.encodings.add(encoding)
    widths[path.name] = len(header)
    names = [h or f"_unnamed_{i + 1}" for i, h in enumerate(header)]
    schema = StructType([StructField(n, StringType()) for n in names] + [StructField(CORRUPT, StringType())])
    # multiLine: quoted line ends stay inside their field, and the file is read whole by one task,
    # so the position Spark gives each record is its place in the file
    df = spark.read.csv(str(path), schema=schema, header=True, sep=source.delimiter, encoding=encoding,
                        quote='"', escape='"', multiLine=True, mode="PERMISSIVE",
                        columnNameOfCorruptRecord=CORRUPT, enforceSchema=True)
    line = F.monotonically_increasing_id() + 1
    own = set(batch.kept.get(idx, []))
    cols = [F.col(f"`{c.source_name}`") for c in contract.columns]
    cols += [F.col(f"`{k}`") if k in own else F.lit(None).cast("string").alias(k) for k in batch.kept_names()]
    return df.select(*cols, (F.lit(idx * ROW_STRIDE) + line).alias("_row"), F.lit(path.name).alias("_file"),
                     line.alias("_line"), F.col(CORRUPT))


def stage_on_spark(contract: Contract, load_id: str, files: list[Path], workdir: Path) -> StageResult:
    """Type a load's landed CSV files on Spark; write staged.parquet and the stage's quarantine
    parts as `feeds.stage.stage` does, with the same rows, reasons and counts."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not files:
        raise EmptyInput(f"{contract.id}: the load has no files")
    spark = spark_session()
    workdir.mkdir(parents=True, exist_ok=True)
    parts = workdir / "spark"
    batch = RawBatch(delimiter=contract.source_of(FileSource).delimiter)
    frames: list[DataFrame] = []
    widths: dict[str, int] = {}
    for idx, path in enumerate(files):
        try:
            frames.append(_read_file(spark, contract, idx, path, batch, widths))
        except LoadRejected as e:
            batch.refuse(path, e, contract)
    record_refusals(contract, load_id, len(files), batch, readable=bool(frames))
    kept = batch.kept_names()
    raw = functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    raw = raw.persist(StorageLevel.MEMORY_AND_DISK)
    malformed = raw.where(F.col(CORRUPT).isNotNull()).select("_file", "_line", CORRUPT)
    text = raw.where(F.col(CORRUPT).isNull()).drop(CORRUPT)
    typed_schema = _typed_schema(contract, kept)
    typed = (text.selectExpr(*[f"`{c.source_name}`" for c in contract.columns], *[f"`{k}`" for k in kept],
                             "_row AS _line")
             .mapInArrow(functools.partial(_type, contract, kept), spark_schema(typed_schema))
             .withColumnRenamed("_line", "_row")
             .withColumn("_file", F.element_at(F.create_map(*[x for i, p in enumerate(files)
                                                               for x in (F.lit(i), F.lit(p.name))]),
                                               (F.col("_row") / ROW_STRIDE).cast("int")))
             .withColumn("_line", F.col("_row") % ROW_STRIDE)
             .persist(StorageLevel.MEMORY_AND_DISK))
    good = typed.where(~F.col("_bad")).drop("_bad", "_raw", "_blank")
    unreadable = typed.where(F.col("_bad") & ~F.col("_blank"))
    failures = unreadable.mapInArrow(functools.partial(_failures, contract), spark_schema(quarantine.RECORD))
    key = list(contract.primary_key)
    repeated = good.groupBy(*key).count().where("count > 1").drop("count")
    w = Window.partitionBy(*key).orderBy("_row")
    suspects = good.join(repeated, key, "left_semi").select(
        "*", F.first("_file").over(w).alias("first_file"), F.first("_line").over(w).alias("first_line"),
        F.row_number().over(w).alias("n"))
    dups = suspects.mapInArrow(functools.partial(_duplicates, contract),
                               spark_schema(pa.schema([("_row", pa.int64()), *quarantine.RECORD])))
    dups = dups.persist(StorageLevel.MEMORY_AND_DISK)

    counts = {r["k"]: r["n"] for r in typed.groupBy(
        F.when(~F.col("_bad"), "good").when(F.col("_blank"), "blank").otherwise("bad").alias("k"))
        .agg(F.count("*").alias("n")).collect()}  # three counts, not rows
    rows_good, bad, blanks = counts.get("good", 0), counts.get("bad", 0), counts.get("blank", 0)
    n_malformed, n_dupes = malformed.count(), dups.count()
    con = duckdb.connect()
    try:
        quarantined = 0
        if bad or n_dupes:
            found = write_parts(failures.unionByName(dups.drop("_row")), parts / "quarantine_stage")
            quarantined = quarantine.write_part_sql(con, contract.id, load_id, "stage",
                                                    f"SELECT * FROM read_parquet({sql_path(found)})")
        if n_malformed:
            found = write_parts(malformed.mapInArrow(functools.partial(_malformed, batch.delimiter, widths),
                                                  spark_schema(quarantine.RECORD)),
                           parts / "quarantine_structure")
            quarantine.write_part_sql(con, contract.id, load_id, "stage_structure",
                                      f"SELECT * FROM read_parquet({sql_path(found)})")
        faults.point("stage.spark_quarantined")  # the quarantine parts written, the rows not yet
        cols = [c for c in published_columns(contract, kept) if c not in ADDRESS_COLUMN_NAMES]
        staged_rows = good.join(dups.select("_row"), "_row", "left_anti").withColumn(
            "_load_id", F.lit(load_id)).select(*[F.col(f"`{c}`") for c in cols])
        staged = workdir / "staged.parquet"
        gather(write_parts(staged_rows, parts / "staged"), staged, cols)
    finally:
        con.close()
        for frame in (raw, typed, dups):
            frame.unpersist()
    batch.blank_lines += blanks
    return stage_result(staged, batch, rows_good=rows_good, unreadable=bad, malformed=n_malformed,
                        duplicates=n_dupes, quarantined=quarantined)
