"""Test fixture: publishes small, deterministic snapshots of the source datasets the models and
the catalog read (through warehouse.snapshots, the writer every publisher uses),
using real NBS community codes of Hangzhou's Xihu district. Test data only."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from contracts.contract import Contract, load_contracts
from contracts.schema import published_schema
from warehouse import lake
from warehouse.manifest import Manifest, contract_fields, upgrade_manifest
from warehouse.snapshots import new_snapshot_id, publish_snapshot

ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
}

# (street_code, community_code, name, lon, lat): 北山街道 and 西溪街道, 西湖区, 杭州.
COMMUNITIES = [
    ("330106002", "330106002051", "上保社区", 120.1420, 30.2630),
    ("330106002", "330106002052", "宝石社区", 120.1455, 30.2668),
    ("330106002", "330106002053", "金祝社区", 120.1510, 30.2700),
    ("330106004", "330106004053", "石灰桥社区", 120.1530, 30.2790),
    ("330106004", "330106004054", "学院路社区", 120.1380, 30.2820),
    ("330106004", "330106004055", "文二社区", 120.1300, 30.2880),
]
T0 = dt.datetime(2026, 11, 16, 0, 0, 0)
LOT_KINDS = ["公共停车场", "单位停车场", "小区停车场", "道路泊位"]
GRID_CATEGORIES = ["市容环境", "治安隐患", "消防安全", "道路交通", "矛盾纠纷", "违章搭建"]


def _addr(
    i: int, comm: tuple[str, str, str, float, float], rng: random.Random, matched: bool = True
) -> dict[str, Any]:
    street, code, _name, lon, lat = comm
    if not matched:
        return {"match_level": "unmatched", "match_confidence": 0.0}
    return {
        "district_code": "330106",
        "street_code": street,
        "community_code": code,
        "building_code": f"{code}B{i % 40:03d}",
        "house_code": None,
        "lon": round(lon + rng.uniform(-0.002, 0.002), 6),
        "lat": round(lat + rng.uniform(-0.002, 0.002), 6),
        "match_level": "community",
        "match_confidence": round(rng.uniform(0.85, 1.0), 3),
    }


def _parking(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    lots, occ = [], []
    for i in range(12):
        comm = COMMUNITIES[i % len(COMMUNITIES)]
        kind = LOT_KINDS[i % len(LOT_KINDS)]
        cap = rng.randint(40, 400)
        lots.append(
            {
                "lot_id": f"P{33010600 + i:08d}",
                "lot_name": f"{comm[2]}{kind}{i}",
                "address": f"西湖区{comm[2]}{i}号",
                "capacity": cap,
                "lot_kind": kind,
                **_addr(i, comm, rng),
            }
        )
        for step in range(2 * 96):
            at = T0 + dt.timedelta(minutes=15 * step)
            day = 8 <= at.hour < 18
            base = {"单位停车场": 0.9 if day else 0.15, "小区停车场": 0.35 if day else 0.95}.get(kind, 0.6)
            rate = min(1.0, max(0.0, base + rng.uniform(-0.1, 0.1)))
            occ.append(
                {
                    "lot_id": lots[-1]["lot_id"],
                    "observed_at": at,
                    "occupied": int(cap * rate),
                    "capacity": cap,
                }
            )
    return {"parking_lot": lots, "parking_berth_occupancy": occ}


def _platform(level: int, at: dt.datetime, disp: dt.datetime | None, rng: random.Random) -> dict[str, Any]:
    """The command platform's deadline (sometimes missing) and escalation flag and time."""
    escalated = disp is not None and rng.random() < 0.1 * level
    return {
        "deadline_at": None if rng.random() < 0.1 else at + dt.timedelta(hours=rng.choice([4, 12, 24, 48, 72])),
        "escalated": escalated if rng.random() < 0.9 else None,
        "escalated_at": at + (disp - at) * rng.random() if escalated and disp and rng.random() < 0.8 else None,
    }


def _grid(rng: random.Random, platform: random.Random) -> list[dict[str, Any]]:
    """Grid events; `platform` draws the deadline and escalation fields, so adding them left the
    other synthetic rows as they were."""
    rows = []
    for i in range(300):
        comm = COMMUNITIES[i % len(COMMUNITIES)]
        at = T0 + dt.timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        level = rng.choice([1, 1, 1, 2, 2, 3, 4])
        disp = at + dt.timedelta(minutes=rng.randint(2, 240)) if rng.random() < 0.95 else None
        hand = disp + dt.timedelta(hours=rng.uniform(0.5, 30)) if disp and rng.random() < 0.9 else None
        closed = hand + dt.timedelta(hours=rng.uniform(0.1, 60)) if hand and rng.random() < 0.85 else None
        status = "办结" if closed else "处置" if hand else "派发" if disp else "上报"
        rows.append(
            {
                "event_id": f"SJ{202611000000 + i}",
                "category": rng.choice(GRID_CATEGORIES),
                "level": level,
                "reported_at": at,
                "location": f"{comm[2]}{i}号附近",
                "reporter_phone": f"1380000{i:04d}",
                "status": status,
                "dispatched_at": disp,
                "handled_at": hand,
                "closed_at": closed,
                **_platform(level, at, disp, platform),
                **_addr(i, comm, rng, matched=i % 37 != 0),
            }
        )
    return rows


def _iot(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    faults, water = [], []
    for i in range(40):
        comm = COMMUNITIES[(i * 5) % len(COMMUNITIES)]
        at = T0 + dt.timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        faults.append(
            {
                "alarm_id": f"EA{2611000000 + i}",
                "device_id": f"31103301{i:06d}",
                "address": f"{comm[2]}{i % 9 + 1}幢",
                "fault_type": rng.choice(["困人", "冲顶", "蹲底"]),
                "fault_at": at,
                "recovered_at": at + dt.timedelta(minutes=rng.randint(5, 180)),
                **_addr(i, comm, rng),
            }
        )
    for s in range(4):
        comm = COMMUNITIES[s]
        for h in range(48):
            water.append(
                {
                    "sensor_id": f"WL{100 + s:06d}",
                    "point_address": f"{comm[2]}低洼点",
                    "observed_at": T0 + dt.timedelta(hours=h),
                    "water_level_cm": round(max(0.0, rng.gauss(8 + 6 * s, 6)), 1),
                    **_addr(s, comm, rng),
                }
            )
    return {"iot_elevator_fault": faults, "iot_water_level": water}


def _people(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    vols, care = [], []
    for i in range(60):
        comm = COMMUNITIES[i % 5]
        vols.append(
            {
                "volunteer_id": f"TB{i:06d}",
                "name": f"志愿者{i}",
                "phone": f"1390000{i:04d}",
                "address": f"{comm[2]}{i}号",
                "service_hours": round(rng.uniform(1, 300), 1),
                "joined_on": dt.date(2025, 1, 1) + dt.timedelta(days=i * 5),
                **_addr(i, comm, rng),
            }
        )
    for i in range(20):
        comm = COMMUNITIES[i % len(COMMUNITIES)]
        care.append(
            {
                "resident_id": f"33010619{40 + i % 20:02d}0101{i:03d}X",
                "name": f"老人{i}",
                "age": 60 + i,
                "care_level": ["轻度", "中度", "重度"][i % 3],
                "address": f"{comm[2]}{i}幢{i}室",
                "phone": None,
                "assessed_on": dt.date(2026, 10, 1),
                **_addr(i, comm, rng, matched=i % 7 != 0),
            }
        )
    return {"timebank_volunteer": vols, "elderly_care": care}


def _evaluations(rng: random.Random) -> list[dict[str, Any]]:
    """Residents' 1-5 evaluations in all communities but the last (it has none), a few unmatched."""
    services = ["网格事件处置", "物业服务", "环境卫生", "养老服务"]
    rows = []
    for i in range(90):
        comm = COMMUNITIES[i % (len(COMMUNITIES) - 1)]
        service = services[i % len(services)]
        score = rng.choices([1, 2, 3, 4, 5], [1 + i % 3, 2, 4, 6, 6])[0]
        rows.append(
            {
                "evaluation_id": f"PJ{i:06d}",
                "evaluated_on": dt.date(2026, 11, 1) + dt.timedelta(days=i % 15),
                "service": service,
                "event_id": f"SJ{202611000000 + i}" if service == "网格事件处置" else None,
                "score": score,
                "comment": "处理及时" if score >= 4 else None,
                "address": f"{comm[2]}{i % 9 + 1}幢",
                "phone": f"1370000{i:04d}" if i % 3 else None,
                **_addr(i, comm, rng, matched=i % 23 != 0),
            }
        )
    return rows


def table_for(contract: Contract, rows: list[dict[str, Any]], load_id: str) -> pa.Table:
    """Rows as an Arrow table with exactly the published schema of `contract`."""
    schema = published_schema(contract)
    rows = [{**r, "_load_id": load_id} for r in rows]
    return pa.table({c.name: pa.array([r.get(c.name) for r in rows], type=ARROW[c.type]) for c in schema})


def publish_rows(contract: Contract, rows: list[dict[str, Any]], exports: Path | None = None) -> Manifest:
    """Publish `rows` as the current snapshot of `contract`'s dataset through the one snapshot
    writer; returns the manifest."""
    load_id = new_snapshot_id()  # a load id: the same scheme
    table = table_for(contract, rows, load_id)
    fields = contract_fields(contract)
    return publish_snapshot(fields, table, declared=published_schema(contract), exports=exports).manifest


def synthetic_rows(seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Deterministic rows for every dataset the models read, plus community-tier datasets."""
    rng = random.Random(seed)
    return {
        **_parking(rng),
        "grid_event": _grid(rng, random.Random(seed + 1)),
        **_iot(rng),
        **_people(rng),
        "resident_evaluation": _evaluations(random.Random(seed + 2)),
    }


def publish_synthetic(exports: Path | None = None, seed: int = 7) -> dict[str, Manifest]:
    """Publish every synthetic dataset; returns manifests by dataset id."""
    contracts = load_contracts()
    return {ds: publish_rows(contracts[ds], rows, exports) for ds, rows in synthetic_rows(seed).items()}


def published_copy(template: Path, exports: Path) -> dict[str, Manifest]:
    """Copy a tree made by publish_synthetic(template) to `exports`, with the lake beside it;
    manifests by dataset id."""
    import json
    import shutil

    shutil.copytree(template, exports, dirs_exist_ok=True)
    source, target = lake.location(template), lake.location(exports)
    shutil.copytree(source.data, target.data, dirs_exist_ok=True)
    shutil.copyfile(source.catalog, target.catalog)
    return {p.parent.name: upgrade_manifest(json.loads(p.read_text("utf-8")))
            for p in exports.glob("*/manifest.json")}


@pytest.fixture(scope="session")
def synthetic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic datasets published once per test session (copied into each test's home)."""
    exports = tmp_path_factory.mktemp("synthetic") / "exports"
    publish_synthetic(exports)
    return exports


@pytest.fixture
def published(home: Path, synthetic_template: Path) -> dict[str, Manifest]:
    """Every synthetic source dataset published under `home`; manifests by dataset id."""
    return published_copy(synthetic_template, home / "exports")
