"""Grant artifacts: only granted columns (masked) and rows, a manifest whose HMAC signature and
per-file sha256 are checked before every use, rebuilt on republish, pseudonyms per grantee."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from access import artifacts, gateway, keys, masks, orgs, workflow
from access.errors import ArtifactIntegrityError
from access.scope import DatasetScope, Scope
from tests.support.access_world import (
    XIXI,
    grant_through,
    grid_rows,
    household_rows,
    household_scope,
    publish,
)
from warehouse.manifest import dataset_dir, read_manifest


def _table(grant_id: str, dataset: str = "household_register") -> list[dict[str, object]]:
    manifest = artifacts.verified_manifest(grant_id)
    return pq.read_table(artifacts.files_of(grant_id, manifest, dataset)[0]).to_pylist()


def test_artifact_holds_only_the_grant(granted: str) -> None:
    manifest = artifacts.verified_manifest(granted)
    entry = manifest["datasets"]["household_register"]
    rows = _table(granted)
    assert entry["rows"] == len(rows) == sum(1 for r in household_rows() if r["street_code"] == XIXI)
    assert set(rows[0]) == {
        "resident_id",
        "name",
        "sex",
        "birth_date",
        "household_id",
        "address",
        "community_code",
    }  # the row-scope column street_code is filtered on, not delivered
    assert {r["community_code"][:9] for r in rows} == {XIXI}
    assert all(r["resident_id"][6:14] == "********" for r in rows)
    assert all(len(r["name"]) == 3 and r["name"].endswith("**") for r in rows)
    assert all(isinstance(r["birth_date"], int) for r in rows)
    assert entry["masks"]["household_id"] == "pseudonym"
    assert keys.verify(manifest)
    assert entry["source_snapshot"] == read_manifest("household_register").snapshot_id
    assert manifest["purpose"] == "核查辖区独居老人"


def _manifest_path(grant_id: str) -> Path:
    return artifacts.grant_dir(grant_id) / artifacts.MANIFEST


def test_tampered_manifest_is_refused(granted: str) -> None:
    path = _manifest_path(granted)
    doc = json.loads(path.read_text())
    doc["scope"]["datasets"]["household_register"]["rows"] = {}
    path.write_text(json.dumps(doc))
    with pytest.raises(ArtifactIntegrityError, match="signature"):
        gateway.query(granted, "SELECT count(*) FROM household_register", "chen")


def test_resigned_but_unrecorded_manifest_is_refused(granted: str) -> None:
    path = _manifest_path(granted)
    doc = json.loads(path.read_text())
    doc["built_at"] = "2020-01-01T00:00:00+00:00"
    doc["signature"] = keys.sign(doc)  # a valid signature, but not what the control plane recorded
    path.write_text(json.dumps(doc))
    with pytest.raises(ArtifactIntegrityError, match="control plane"):
        artifacts.verified_manifest(granted)


def test_tampered_parquet_is_refused(granted: str) -> None:
    manifest = artifacts.verified_manifest(granted)
    data = artifacts.files_of(granted, manifest, "household_register")[0]
    pq.write_table(pq.read_table(data).slice(0, 1), data)
    with pytest.raises(ArtifactIntegrityError, match="sha256"):
        gateway.download(granted, "household_register", "chen")


def test_rebuilt_when_the_source_is_republished(granted: str) -> None:
    before = artifacts.verified_manifest(granted)
    republished = publish("household_register", household_rows(90)).snapshot_id
    assert artifacts.rebuild_for_dataset("household_register") == [granted]
    assert artifacts.rebuild_for_dataset("grid_event") == []
    after = artifacts.verified_manifest(granted)
    assert after["datasets"]["household_register"]["source_snapshot"] == republished
    assert after["datasets"]["household_register"]["rows"] == 60
    assert before["build"] != after["build"]
    assert workflow.get_grant(granted)["source_snapshots"] == {"household_register": republished}
    artifacts.rebuild_for_dataset("household_register")
    builds = sorted(p.name for p in artifacts.grant_dir(granted).glob("build-*"))
    assert len(builds) == 2  # the current build and the one before it


def test_pseudonyms_join_within_a_grantee_not_across(granted: str) -> None:
    # the bureau (no row scope) is a different grantee: same raw values, other pseudonyms
    bureau_scope = Scope(
        datasets={
            "household_register": DatasetScope(columns={"household_id": "pseudonym", "sex": None}, rows={})
        },
        start=household_scope().start,
        end=household_scope().end,
    )
    orgs.create_user("qian", "qian", "bureau", "analyst")
    bureau_grant = grant_through(bureau_scope, requester="qian")
    xixi = {r["household_id"] for r in _table(granted)}
    bureau = {r["household_id"] for r in _table(bureau_grant)}
    master = keys.master_secret()
    raw = {r["household_id"] for r in household_rows() if r["street_code"] == XIXI}
    assert xixi == {masks.pseudonym(masks.pseudonym_key(master, "xixi"), v) for v in raw}
    assert not xixi & bureau
    assert len(_table(bureau_grant)) == len(household_rows())


def test_unpublished_dataset_is_pending(city: dict[str, str]) -> None:
    shutil.rmtree(dataset_dir("grid_event"))
    scope = Scope(
        datasets={
            "household_register": DatasetScope(columns={"sex": None}, rows={"street_code": XIXI}),
            "grid_event": DatasetScope(columns={"category": None}, rows={"street_code": XIXI}),
        },
        start=household_scope().start,
        end=household_scope().end,
    )
    grant_id = grant_through(scope)
    manifest = artifacts.verified_manifest(grant_id)
    assert manifest["pending"] == ["grid_event"] and list(manifest["datasets"]) == ["household_register"]
    publish("grid_event", grid_rows())
    assert artifacts.rebuild_for_dataset("grid_event") == [grant_id]
    assert artifacts.verified_manifest(grant_id)["pending"] == []


def test_downloads_hold_exactly_the_granted_columns(granted: str) -> None:
    """The Parquet file and the CSV export carry the granted columns and nothing else (the row
    scope's street_code was not granted)."""
    granted_columns = list(household_scope().datasets["household_register"].columns)
    body, _ = gateway.download(granted, "household_register", "chen", "parquet")
    assert pq.read_table(io.BytesIO(body)).column_names == granted_columns
    csv, _ = gateway.download(granted, "household_register", "chen", "csv")
    header = csv.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(f'"{c}"' for c in granted_columns)
