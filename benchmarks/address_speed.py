"""Throughput of address matching: distinct address strings parsed and matched per second, all
levels (district .. house), against cpca (a well-known Chinese address parser that stops at the
district) and a bare DuckDB baseline on the same strings in the same run.

    uv run python benchmarks/address_speed.py                  # 100,000 distinct strings
    uv run python benchmarks/address_speed.py --strings 30000 --skip-cpca-parallel --repeat 5
    uv run python benchmarks/address_speed.py --real --strings 20000   # people's writing

Every contender runs `--repeat` times, the contenders taking turns so a burst of load from
other work on the machine hits them alike; each of our runs starts with every cache cold
(results, shapes, division prefixes, estates). The table shows the best and the median run.

Strings are rendered from the sample world (feeds.sample) with its real-world variants (栋/号楼,
missing levels, traditional characters, full-width digits, Chinese numerals, 3-2-502), and the
registry is built from that world's three sources first. With `--real` the strings are composed
the way people write addresses (benchmarks/address_realtext.py: every province, old names,
noise, separators, building/unit/room forms), and `parse_many` races too; the registry is the
sample world's all the same. The first call (the division reference loaded and indexed in a
fresh process) is timed too. The DuckDB baseline does the SQL-only
part of the job (district and street names found by substring join on the NBS list, building,
unit and room by regexp_extract), so "ratio to DuckDB" compares against set-based SQL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def machine_facts() -> str:
    """Cores, RAM, load and versions, printed with every figure."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("duckdb", "pyarrow", "cpca"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores, {ram:.1f} GiB RAM, load average {load}; Python "
            f"{platform.python_version()}, {versions}")


def sample_strings(n: int, folder: Path, seed: int = 20231) -> list[str]:
    """`n` distinct address strings rendered from the sample world (its registry sources are
    written to `folder`)."""
    from feeds.sample.addresses import AddressRenderer
    from feeds.sample.registry import write_sources
    from feeds.sample.world import build_world

    world = build_world(seed)
    write_sources(world, folder, seed)
    rng = random.Random(seed)
    renderer = AddressRenderer(rng, every=3)  # one in three strings is a variant
    out: dict[str, None] = {}
    houses, buildings, estates = world.houses, world.buildings, world.estates
    attempts = 0
    while len(out) < n and attempts < n * 20:
        attempts += 1
        pick = rng.random()
        if pick < 0.8:
            text = renderer.house(rng.choice(houses)).text
        elif pick < 0.95:
            text = renderer.building(rng.choice(buildings)).text
        else:
            text = renderer.estate(rng.choice(estates), rng.choice(("", "东门", "地下车库"))).text
        out[text] = None
    return list(out)


def real_strings(n: int, seed: int = 14) -> list[str]:
    """`n` distinct strings written the way people write addresses (address_realtext.Composer)."""
    from address_realtext import Composer

    composer = Composer(random.Random(seed))
    out: dict[str, None] = {}
    while len(out) < n:
        out[composer.row()["address"]] = None
    return list(out)


def first_call(probe: str = "from address_registry.divisions import load_divisions as first",
               call: str = "first()") -> float:
    """Seconds a fresh process takes for its first `call` (by default: loading and indexing
    the division reference), imports excluded."""
    import subprocess

    code = f"import time; {probe}; t = time.perf_counter(); {call}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parent.parent)
    return float(done.stdout.strip().splitlines()[-1])


def first_native_parse() -> float:
    """Seconds of a fresh process's first native parse_many of one address: the division
    reference read back into C from the copy `make install` keeps (made here if absent)."""
    first_call("from address_registry import native; native.divisions_handle()", "None")
    return first_call("from address_registry import parse_many as first",
                      "first(['浙江省杭州市西湖区文三路100号3幢2单元502室'])")


def run_parse_many(strings: list[str], threads: int) -> float:
    """Seconds parse_many takes on the strings (every cache cold), natively on `threads`
    threads."""
    import pyarrow as pa

    from address_registry import native, parse_many, shapes
    from address_registry.parse import clear_caches

    os.environ["SHUCANG_ADDRESS_THREADS"] = str(threads)
    os.environ["SHUCANG_ADDRESS_NATIVE"] = "1"
    native.divisions_handle()  # the reference copied into C once per process, like cpca's tables
    shapes.clear_cache()
    clear_caches()
    t0 = time.perf_counter()
    parse_many(pa.array(strings, pa.string()))
    return time.perf_counter() - t0


def _cpca_chunk(texts: list[str]) -> int:
    import cpca

    return len(cpca.transform(texts))


def run_cpca(strings: list[str], processes: int) -> float:
    """Seconds cpca takes to transform `strings` with `processes` processes."""
    import cpca

    cpca.transform(["浙江省杭州市西湖区"])  # load its tables outside the timing
    t0 = time.perf_counter()
    if processes == 1:
        cpca.transform(strings)
    else:
        half = [strings[i::processes] for i in range(processes)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_cpca_chunk, half)
    return time.perf_counter() - t0


def run_ours(strings: list[str], threads: int, native: bool) -> tuple[float, dict[str, int]]:
    """Seconds match_many takes (every cache cold) on the native matcher with `threads` threads,
    or on the Python reference path; and the level counts."""
    import gc

    import pyarrow as pa

    from address_registry import match_many, parallel
    from address_registry.registry import current_matcher

    os.environ["SHUCANG_ADDRESS_THREADS"] = str(threads)
    os.environ["SHUCANG_ADDRESS_NATIVE"] = "1" if native else "0"
    os.environ["SHUCANG_ADDRESS_WORKERS"] = "1"
    parallel.clear_caches()
    matcher = current_matcher()  # registry loaded outside the timing, like cpca's tables
    if native:
        from address_registry.native import registry_handle

        registry_handle(matcher)  # ... and copied into the C matcher once per registry version
    t0 = time.perf_counter()
    table = match_many(pa.array(strings, pa.string()))
    gc.collect(1)  # match_many pauses the collector; what it deferred is ours to pay
    elapsed = time.perf_counter() - t0
    levels: dict[str, int] = {}
    for level in table.column("match_level").to_pylist():
        levels[level] = levels.get(level, 0) + 1
    return elapsed, levels


def run_duckdb(strings: list[str]) -> float:
    """Seconds a bare DuckDB query takes for the SQL-only part of the job on the same strings."""
    import duckdb
    import pyarrow as pa

    from divisions.reference import REFERENCE

    con = duckdb.connect()
    con.register("input", pa.table({"address": pa.array(strings, pa.string())}))
    con.execute(f"CREATE TABLE divisions AS FROM read_csv('{REFERENCE}', all_varchar = true) "
                "WHERE code LIKE '3301%'")
    t0 = time.perf_counter()
    con.execute("""
        CREATE OR REPLACE TABLE baseline AS
        WITH s AS (SELECT DISTINCT address FROM input),
        d AS (SELECT s.address, arg_max(v.code, length(v.name)) AS district_code
              FROM s LEFT JOIN divisions v ON v.level = 'district' AND contains(s.address, v.name)
              GROUP BY ALL),
        t AS (SELECT s.address, arg_max(v.code, length(v.name)) AS street_code
              FROM s LEFT JOIN divisions v ON v.level = 'street' AND contains(s.address, v.name)
              GROUP BY ALL)
        SELECT s.address, d.district_code, t.street_code,
               regexp_extract(s.address, '(\\d+)幢', 1) AS building,
               regexp_extract(s.address, '(\\d+)单元', 1) AS unit,
               regexp_extract(s.address, '(\\d+)室', 1) AS room
        FROM s JOIN d USING (address) JOIN t USING (address)
    """)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strings", type=int, default=100_000, help="distinct strings to match")
    ap.add_argument("--processes", type=int, default=2,
                    help="our threads and cpca's processes for the parallel runs")
    ap.add_argument("--skip-cpca-parallel", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each contender")
    ap.add_argument("--real", action="store_true", help="strings written the way people write")
    args = ap.parse_args()
    print(f"first call (division reference loaded and indexed, fresh process): {first_call():.2f}s")
    print(f"first native parse_many (reference read back into C, fresh process): "
          f"{first_native_parse():.2f}s")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHUCANG_HOME"] = str(Path(tmp) / "home")
        os.environ["SHUCANG_FEEDS"] = str(Path(tmp) / "feeds")
        t0 = time.perf_counter()
        strings = sample_strings(args.strings, Path(tmp) / "feeds" / "registry")
        if args.real:
            strings = real_strings(args.strings)
        print(f"{len(strings)} distinct strings rendered in {time.perf_counter() - t0:.1f}s")
        from address_registry.registry import build_registry

        t0 = time.perf_counter()
        version, manifest = build_registry()
        print(f"registry v{version} built in {time.perf_counter() - t0:.1f}s: {manifest['counts']}")
        print(machine_facts())
        print_runs(strings, race(strings, args))
        print_stages(strings, args.repeat)


def print_stages(strings: list[str], repeat: int) -> None:
    """Where our time goes: each stage of match_many timed cold (best of `repeat`), with the
    collector paused as match_many pauses it."""
    import gc

    import pyarrow as pa

    from address_registry import match_many, parallel, shapes
    from address_registry.matcher import Matcher, match_texts
    from address_registry.parse import normalized_texts
    from address_registry.registry import current_matcher
    from address_registry.rules import DEFAULT_PREFER

    os.environ["SHUCANG_ADDRESS_WORKERS"] = "1"  # the serial path, like the stages before it
    os.environ["SHUCANG_ADDRESS_NATIVE"] = "0"  # the stages are those of the Python path
    texts: list[str | None] = list(strings)
    steps: list[tuple[str, Callable[[Matcher | None], object]]] = [
        ("normalize the batch", lambda _: normalized_texts(strings)),
        ("+ shape templates (parse once per shape)",
         lambda _: shapes.shaped_texts(texts, DEFAULT_PREFER)),
        ("+ plan per shape, numbers per address", lambda matcher: match_texts(texts, matcher)),
        ("+ distinct, result cache, Arrow columns", lambda _: match_many(pa.array(strings)))]
    best = []
    for _, step in steps:
        runs = []
        for _ in range(repeat):
            parallel.clear_caches()
            matcher = current_matcher()
            gc.disable()
            t0 = time.perf_counter()
            step(matcher)
            runs.append(time.perf_counter() - t0)
            gc.enable()
        best.append(min(runs))
    print(f"\nwhere the Python reference path's time goes ({len(strings)} strings, cold, best of "
          f"{repeat}; the native matcher does all of it in C but for the rows it defers)")
    for (name, _), total, before in zip(steps, best, [0.0, *best], strict=False):
        print(f"  {name:44} {total - before:7.3f} s {1e6 * (total - before) / len(strings):6.1f} us"
              f"/string {100 * (total - before) / best[-1]:4.0f}%")


def race(strings: list[str], args: argparse.Namespace
         ) -> dict[str, tuple[list[float], dict[str, int] | None]]:
    """Seconds of every run of every contender (and our level counts), contenders taking turns."""
    contenders: dict[str, tuple[list[float], dict[str, int] | None]] = {}

    def record(name: str, secs: float, levels: dict[str, int] | None = None) -> None:
        contenders.setdefault(name, ([], levels))[0].append(secs)

    theirs = [1] if args.skip_cpca_parallel else sorted({1, args.processes})
    for _ in range(args.repeat):
        record(BASELINE, run_duckdb(strings))
        for threads in sorted({1, args.processes}):
            record(f"{NATIVE}, {threads} thread(s)", *run_ours(strings, threads, native=True))
        record(PYTHON, *run_ours(strings, 1, native=False))
        if args.real:
            for threads in sorted({1, args.processes}):
                record(f"{PARSE}, {threads} thread(s)", run_parse_many(strings, threads))
        for p in theirs:
            record(f"cpca.transform, {p} process(es), district level", run_cpca(strings, p))
    return contenders


NATIVE = "shucang match_many, native, all levels"
PYTHON = "shucang match_many, Python reference path"
BASELINE = "bare DuckDB (district/street join + regexp)"
PARSE = "shucang parse_many, native, divisions .. room"


def print_runs(strings: list[str], runs: dict[str, tuple[list[float], dict[str, int] | None]]
               ) -> None:
    """Best and median of each contender, as strings/s and as ratios to the DuckDB baseline."""
    n = len(strings)
    best = {name: min(secs) for name, (secs, _) in runs.items()}
    median = {name: statistics.median(secs) for name, (secs, _) in runs.items()}
    print(f"\n{'run':52} {'best s':>7} {'median s':>8} {'strings/s':>10} {'vs DuckDB':>9}")
    for name in runs:
        print(f"{name:52} {best[name]:7.3f} {median[name]:8.3f} {n / best[name]:10.0f} "
              f"{best[BASELINE] / best[name]:9.3f}")
    ours = min((name for name in best if name.startswith(NATIVE)), key=best.__getitem__)
    for cpca in (name for name in best if name.startswith("cpca")):
        print(f"shucang ({ours[len(NATIVE) + 2:]}) / {cpca}: best {best[cpca] / best[ours]:.2f}x, "
              f"median {median[cpca] / median[ours]:.2f}x")
        for parse in (name for name in best if name.startswith(PARSE)):
            print(f"{parse} / {cpca}: best {best[cpca] / best[parse]:.2f}x, "
                  f"median {median[cpca] / median[parse]:.2f}x")
    levels = next(lv for _, lv in runs.values() if lv)
    print("match levels:", ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    print(f"load average after the runs: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

if __name__ == "__main__":
    main()
