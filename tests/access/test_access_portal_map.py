"""The map page (落图): a street sees its granted records per community, or per building when the
grant gives building codes unmasked, on the registry's own building coordinates of its own area;
other organisations are refused, and the page fetches nothing from outside (checked in Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from access.portal import svgmap
from access.registry_points import buildings_within
from tests.support.access_world import (
    BEISHAN_COMMUNITY,
    XIXI,
    XIXI_COMMUNITIES,
    grant_through,
    household_scope,
)
from tests.support.browser import CHROMIUM, NO_CHROMIUM, chromium, served_as, visible_text
from tests.support.portal import signed_in


@pytest.fixture
def registry(home: Path) -> Path:
    """A registry version whose buildings are those the household rows were matched to."""
    rows = []
    for n, community in enumerate([*XIXI_COMMUNITIES, BEISHAN_COMMUNITY]):
        for b in range(5):
            rows.append({"building_code": f"{community}0001{b:03d}", "community_code": community,
                         "lon": 120.10 + 0.01 * n + 0.001 * b, "lat": 30.27 + 0.002 * b})
    folder = home / "registry" / "v0001"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / "buildings.parquet")
    (home / "registry" / "CURRENT").write_text("1")
    return folder


def _spots(page: str) -> dict[str, int]:
    return {c: int(n) for c, n in re.findall(r'data-code="(\d+)" data-count="(\d+)"', page)}


def test_a_street_sees_its_granted_rows_per_community(granted: str, registry: Path) -> None:
    page = signed_in("chen").get(f"/grants/{granted}/map/household_register")
    assert page.status_code == 200 and "<svg" in page.text
    spots = _spots(page.text)
    assert set(spots) == set(XIXI_COMMUNITIES) and sum(spots.values()) == 40  # own street only
    assert page.text.count('r="2" fill="#9aa5b1"') == 5 * len(XIXI_COMMUNITIES)  # its buildings only
    assert not re.search(r'(src|href)="https?://', page.text)


def test_the_svg_is_drawn_from_the_points_given() -> None:
    spots = [svgmap.Spot("1", "<甲>", 120.10, 30.27, 40), svgmap.Spot("2", "乙", 120.12, 30.28, 10)]
    svg = svgmap.draw([(120.10, 30.27), (120.12, 30.28), (120.11, 30.275)], spots, "图")
    assert svg.count('r="2" fill="#9aa5b1"') == 3 and "&lt;甲&gt; 40" in svg and "<甲>" not in svg
    radii = [float(r) for r in re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)" fill="#1d4e89"', svg)]
    assert radii[0] == svgmap.MAX_RADIUS and abs(radii[1] / radii[0] - 0.5) < 0.01  # area ~ count
    assert svgmap.draw([], [], "图") == ""


def test_the_map_is_refused_to_others_and_without_codes(granted: str, registry: Path) -> None:
    assert signed_in("zhao").get(f"/grants/{granted}/map/household_register").status_code == 403
    grant = grant_through(household_scope(sex=None))
    refused = signed_in("chen").get(f"/grants/{grant}/map/household_register")
    assert refused.status_code == 400 and "无法落图" in refused.text


def test_registry_points_of_an_area(registry: Path) -> None:
    assert {p.community_code for p in buildings_within(XIXI)} == set(XIXI_COMMUNITIES)
    assert len(buildings_within(BEISHAN_COMMUNITY)) == 5


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_map_in_chromium(granted: str, registry: Path, tmp_path: Path) -> None:
    with served_as("chen") as port:
        url = f"http://127.0.0.1:{port}/grants/{granted}/map/household_register"
        text = visible_text(chromium("--dump-dom", url))
        chromium(f"--screenshot={tmp_path / 'map.png'}", "--window-size=1000,900", url)
    print(f"screenshot: {tmp_path / 'map.png'}")
    assert "落图" in text and "记录数" in text
    assert (tmp_path / "map.png").stat().st_size > 10_000
