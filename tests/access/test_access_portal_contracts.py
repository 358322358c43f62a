"""A broken contract does not break the portal: every user still gets the catalog of the valid
datasets, and bureau users (who maintain the contracts) see a banner naming the file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from contracts.contract import DATASETS_DIR
from tests.support.portal import signed_in


@pytest.fixture
def broken_grid_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(DATASETS_DIR, folder)
    doc = yaml.safe_load((folder / "grid_event.yaml").read_text(encoding="utf-8"))
    doc["tier"] = "county"
    (folder / "grid_event.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))
    return folder


def _home_page(user: str) -> str:
    page = signed_in(user).get("/")
    assert page.status_code == 200, page.text[:500]
    return page.text


@pytest.mark.parametrize(("user", "banner"), [("wang", True), ("chen", False), ("li", False)])
def test_catalog_page_survives_a_broken_contract(city: dict[str, str], broken_grid_event: Path,
                                                 user: str, banner: bool) -> None:
    text = _home_page(user)
    assert "户籍人口" in text  # household_register, a valid contract
    assert ("grid_event.yaml" in text and "字段 <code>tier</code>" in text) is banner
    assert ("shucang contracts check" in text) is banner
