"""A map drawn as SVG on the server from the registry's own coordinates (落图): every building of
the area as a grey dot, and one circle per community or building with granted records, its area
proportional to the count. No tiles, no script, nothing fetched from outside."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 820, 560, 40
MAX_RADIUS = 34.0


@dataclass(frozen=True)
class Spot:
    """A place with a count: a community centroid or a building."""

    code: str
    label: str
    lon: float
    lat: float
    count: int


def _projector(points: Sequence[tuple[float, float]]):  # type: ignore[no-untyped-def]
    """lon/lat -> SVG x/y, equirectangular with the longitude shrunk by cos(latitude)."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    x0 = (WIDTH - span_x * scale) / 2
    y0 = (HEIGHT - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(x0 + (lon - min(lons)) * shrink * scale, 1),
                round(y0 + (max(lats) - lat) * scale, 1))

    return project


def draw(buildings: Sequence[tuple[float, float]], spots: Sequence[Spot], title: str) -> str:
    """The SVG: grey building dots, then the counted spots (largest first, so small ones stay on
    top), each with its label and count."""
    if not buildings and not spots:
        return ""
    project = _projector([*buildings, *((s.lon, s.lat) for s in spots)])
    most = max((s.count for s in spots), default=1) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}"'
           f' height="{HEIGHT}" role="img" aria-label="{html.escape(title)}" class="map">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f8fafc" stroke="#cbd2d9"/>']
    for lon, lat in buildings:
        x, y = project(lon, lat)
        out.append(f'<circle cx="{x}" cy="{y}" r="2" fill="#9aa5b1"/>')
    for s in sorted(spots, key=lambda s: -s.count):
        x, y = project(s.lon, s.lat)
        r = round(max(5.0, MAX_RADIUS * math.sqrt(s.count / most)), 1)
        label = html.escape(f"{s.label} {s.count}")
        out.append(f'<g class="spot" data-code="{html.escape(s.code)}" data-count="{s.count}">'
                   f'<circle cx="{x}" cy="{y}" r="{r}" fill="#1d4e89" fill-opacity="0.55"'
                   f' stroke="#1d4e89"/><title>{label}</title>'
                   f'<text x="{x}" y="{round(y - r - 4, 1)}" text-anchor="middle" font-size="13"'
                   f' fill="#1f2933">{label}</text></g>')
    out.append("</svg>")
    return "".join(out)
