"""The map page (落图) of a grant: the grantee's granted records counted per community, or per
building when the grant gives building codes unmasked, placed on the registry's coordinates of
the grantee's own area. Counts come through the gateway (grant-scoped, masked, audited), so the
map shows exactly the rows the grant covers."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from access import divisions
from access.errors import PermissionDenied, ScopeError
from access.gateway import query
from access.grants import get_grant
from access.portal import svgmap
from access.registry_points import Point, buildings_within
from access.scope import contracts
from foundation.sql import ident


def _area(user: dict[str, Any], grant: dict[str, Any], dataset: str) -> str:
    """The division the map covers: the grant's row scope, else the user's own division."""
    rows = grant["granted"]["datasets"][dataset].get("rows") or {}
    return rows.get("community_code") or rows.get("street_code") or user.get("division_code") or ""


def spots(grant_id: str, dataset: str, actor: str, points: list[Point],
          by_building: bool) -> list[svgmap.Spot]:
    """Granted rows counted per building (when `by_building`) or per community, placed on the
    registry: a building at its coordinates, a community at the mean of its buildings'."""
    key = "building_code" if by_building else "community_code"
    counted = query(grant_id, f"SELECT {ident(key)} AS code, count(*) AS n FROM {ident(dataset)}"
                              f" WHERE {ident(key)} IS NOT NULL GROUP BY 1", actor).table.to_pylist()
    where: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        where[p.building_code if by_building else p.community_code].append(p)
    out = []
    for row in counted:
        at = where.get(row["code"])
        if not at:
            continue
        community = divisions.division(row["code"])
        label = (f"{row['code'][-3:]}幢" if by_building
                 else community.name if community else row["code"])
        out.append(svgmap.Spot(row["code"], label, sum(p.lon for p in at) / len(at),
                               sum(p.lat for p in at) / len(at), int(row["n"])))
    return out


def page_context(user: dict[str, Any], grant_id: str, dataset: str) -> dict[str, Any]:
    """Everything the map template shows for one granted dataset."""
    grant = get_grant(grant_id)
    if grant["org_id"] != user["org_id"]:
        raise PermissionDenied("只能查看本单位获得授权的数据")
    granted = grant["granted"]["datasets"].get(dataset)
    if granted is None:
        raise ScopeError(f"授权 {grant_id} 不包含数据集 {dataset}")
    columns = granted["columns"]
    if "community_code" not in columns and "building_code" not in columns:
        raise ScopeError("该授权没有社区代码或楼幢代码，无法落图；申请时请勾选“社区（村）代码”")
    by_building = "building_code" in columns and not columns["building_code"]
    points = buildings_within(_area(user, grant, dataset))
    found = spots(grant_id, dataset, user["user_id"], points, by_building)
    title = contracts()[dataset].title if dataset in contracts() else dataset
    return {"grant": grant, "dataset": dataset, "title": title, "by_building": by_building,
            "spots": sorted(found, key=lambda s: -s.count), "registry": bool(points),
            "svg": svgmap.draw([(p.lon, p.lat) for p in points], found, f"{title} 落图")}


def install(user_of: Any, page: Any) -> APIRouter:
    """The map route, using the portal's sign-in (`user_of`) and page rendering (`page`)."""
    router = APIRouter()

    @router.get("/grants/{grant_id}/map/{dataset}", response_class=HTMLResponse)
    def map_page(request: Request, grant_id: str, dataset: str) -> HTMLResponse:
        user = user_of(request)
        return page(request, "map.html", user=user, **page_context(user, grant_id, dataset))

    return router
