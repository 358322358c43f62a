"""The synthetic address world every sample feed is rendered from: per real community, roads with
house numbers, estates (花园/苑/小区/家园/大厦) with buildings, units, floors and rooms, rural
villages with "X组Y号" houses, and WGS84 coordinates near the real street.

Keys are structural (division code + estate + building + unit + room), so they are stable for a
seed and never renumbered. It owns the world's shape; rendering strings is `addresses.py`'s job.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from feeds.sample.divisions import (
    STREET_PLANS,
    Division,
    StreetPlan,
    children,
    load_divisions,
    require,
)

RESIDENTIAL_SUFFIXES = ("花园", "苑", "小区", "家园")
# Two-character estate name stems; combined with a suffix they read like Hangzhou estate names.
ESTATE_STEMS = (
    "金都",
    "嘉绿",
    "紫荆",
    "丹桂",
    "香樟",
    "锦绣",
    "阳光",
    "春江",
    "望江",
    "钱江",
    "碧水",
    "翠湖",
    "华星",
    "绿城",
    "金色",
    "海棠",
    "枫林",
    "云溪",
    "湖畔",
    "竹海",
    "南都",
    "德加",
    "骆家",
    "星洲",
    "桂花",
    "沁雅",
    "府新",
    "文鼎",
    "颐景",
    "清水",
    "美林",
    "东方",
    "新湖",
    "耀江",
    "广厦",
    "天阳",
    "万家",
    "金地",
    "世纪",
    "明珠",
    "蓝天",
    "白云",
    "青枫",
    "梧桐",
    "银杏",
    "芳满",
    "景瑞",
    "融信",
    "中豪",
    "宝龙",
    "大华",
    "坤和",
    "三和",
    "嘉和",
    "怡景",
    "和园",
    "翡翠",
    "玉泉",
    "松鹤",
    "兰亭",
    "荷塘",
    "柳浪",
    "桃源",
    "杏林",
    "月桂",
    "星辰",
    "晓风",
    "庭院",
    "雅苑",
    "瑞园",
    "华庭",
)
TOWER_STEMS = (
    "浙商",
    "黄龙",
    "世贸",
    "财富",
    "国际",
    "创新",
    "数源",
    "华润",
    "银泰",
    "恒隆",
    "汇金",
    "嘉里",
)


@dataclass(frozen=True)
class Community:
    """A real community or village (NBS 12-digit code) with its street and district."""

    code: str
    name: str
    street_code: str
    street_name: str
    district_code: str
    district_name: str
    lon: float
    lat: float
    is_village: bool = False

    @property
    def short_name(self) -> str:
        """'外窑村' for '外窑村委会'; community names are used as is."""
        return self.name.removesuffix("委会") if self.is_village else self.name


@dataclass(frozen=True)
class Estate:
    """A named place: a residential estate, an office tower (大厦) or a village (村)."""

    key: str
    name: str
    kind: str  # 小区 | 大厦 | 村
    community: Community
    road: str | None
    road_number: int | None
    lon: float
    lat: float
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Building:
    """One building; `number` is None for a tower's only building and for street-front shops."""

    key: str
    estate: Estate | None
    community: Community
    number: int | None
    floors: int
    units: int
    lon: float
    lat: float
    road: str | None = None  # street-front shops keep their own doorplate
    road_number: int | None = None


@dataclass(frozen=True)
class House:
    """One addressable house (flat, office room, shop or rural house)."""

    key: str
    building: Building
    unit: int | None
    floor: int | None
    room: str | None  # '502' for floor 5 room 2
    road: str | None
    road_number: int | None  # the doorplate the house is reached by
    lon: float
    lat: float

    @property
    def community(self) -> Community:
        return self.building.community

    @property
    def estate(self) -> Estate | None:
        return self.building.estate


@dataclass
class World:
    communities: list[Community] = field(default_factory=list)
    estates: list[Estate] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    houses: list[House] = field(default_factory=list)
    roads: dict[str, list[str]] = field(default_factory=dict)  # street code -> its roads

    _by_community: dict[str, list[House]] = field(default_factory=dict, repr=False)

    def houses_in(self, community_code: str) -> list[House]:
        """The houses of one community, in build order (indexed on first use; build first)."""
        if len(self._by_community) == 0:
            for h in self.houses:
                self._by_community.setdefault(h.community.code, []).append(h)
        return list(self._by_community.get(community_code, []))


class _DoorplateAllocator:
    """Hands out increasing house numbers per road, so (road, number) is unique in the world."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._next: dict[str, int] = {}

    def take(self, road: str) -> int:
        n = self._next.get(road, self._rng.randrange(1, 20))
        self._next[road] = n + self._rng.choice((2, 2, 4, 6, 8))
        return n


def _jitter(rng: random.Random, lon: float, lat: float, metres: float) -> tuple[float, float]:
    # ~96 km per degree of longitude and ~111 km per degree of latitude at 30°N
    return (
        round(lon + rng.uniform(-metres, metres) / 96_000, 6),
        round(lat + rng.uniform(-metres, metres) / 111_000, 6),
    )


def _communities(divisions: dict[str, Division], plan: StreetPlan, rng: random.Random) -> list[Community]:
    street = require(divisions, plan.code)
    district = require(divisions, street.parent_code)
    wanted = [d for d in children(divisions, plan.code) if d.name.endswith("村委会") == plan.rural][
        : plan.communities
    ]
    out = []
    for d in wanted:
        lon, lat = _jitter(rng, plan.lon, plan.lat, 900)
        out.append(
            Community(
                d.code,
                d.name,
                street.code,
                street.name,
                district.code,
                district.name,
                lon,
                lat,
                is_village=plan.rural,
            )
        )
    return out


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.world = World()
        self.doorplates = _DoorplateAllocator(rng)
        # (stem, suffix) pairs: '金都花园' and '金都家园' may both exist, as in real cities
        self.names = [(stem, suffix) for stem in ESTATE_STEMS for suffix in RESIDENTIAL_SUFFIXES]
        rng.shuffle(self.names)
        self.tower_stems = list(TOWER_STEMS)
        rng.shuffle(self.tower_stems)

    def add_estate(self, community: Community, index: int, kind: str, roads: list[str]) -> Estate:
        rng = self.rng
        if kind == "大厦":
            stem = self.tower_stems.pop() if self.tower_stems else self.names.pop()[0]
            name, aliases, former = f"{stem}大厦", (f"{stem}中心",), tuple[str, ...]()
        else:
            stem, suffix = self.names.pop()
            name = f"{stem}{suffix}"
            aliases = (f"{name}小区",) if suffix != "小区" else (f"{stem}花苑",)
            former = (f"{stem}新村",) if rng.random() < 0.3 else tuple[str, ...]()
        has_doorplate = kind == "大厦" or rng.random() < 0.85
        road = rng.choice(roads) if has_doorplate else None
        number = self.doorplates.take(road) if road else None
        lon, lat = _jitter(rng, community.lon, community.lat, 400)
        estate = Estate(
            f"{community.code}-E{index:02d}",
            name,
            kind,
            community,
            road,
            number,
            lon,
            lat,
            aliases,
            former,
        )
        self.world.estates.append(estate)
        return estate

    def add_residential(self, estate: Estate) -> None:
        rng = self.rng
        floors, units = rng.choice((6, 6, 7, 11, 18)), rng.randint(2, 3)
        for b in range(1, rng.randint(4, 8) + 1):
            # buildings of one estate sit in rows 40 m apart around the estate centre
            lon = round(estate.lon + ((b - 1) % 3 - 1) * 60 / 96_000, 6)
            lat = round(estate.lat + ((b - 1) // 3 - 1) * 40 / 111_000, 6)
            bldg = Building(f"{estate.key}-B{b:02d}", estate, estate.community, b, floors, units, lon, lat)
            self.world.buildings.append(bldg)
            for u in range(1, units + 1):
                for f in range(1, floors + 1):
                    for r in (1, 2):
                        room = f"{f}{r:02d}"
                        self.world.houses.append(
                            House(
                                f"{bldg.key}-U{u}-R{int(room):04d}",
                                bldg,
                                u,
                                f,
                                room,
                                estate.road,
                                estate.road_number,
                                lon,
                                lat,
                            )
                        )

    def add_tower(self, estate: Estate) -> None:
        floors = self.rng.randint(12, 24)
        bldg = Building(
            f"{estate.key}-B00", estate, estate.community, None, floors, 1, estate.lon, estate.lat
        )
        self.world.buildings.append(bldg)
        for f in range(1, floors + 1):
            for r in range(1, 5):
                room = f"{f}{r:02d}"
                self.world.houses.append(
                    House(
                        f"{bldg.key}-R{int(room):04d}",
                        bldg,
                        None,
                        f,
                        room,
                        estate.road,
                        estate.road_number,
                        estate.lon,
                        estate.lat,
                    )
                )

    def add_single_house(
        self,
        key: str,
        estate: Estate | None,
        community: Community,
        floors: int,
        at: tuple[float, float],
        road: str,
        number: int,
    ) -> None:
        """A building that is one house reached by its own doorplate (shop, rural house)."""
        lon, lat = at
        bldg = Building(key, estate, community, None, floors, 1, lon, lat, road, number)
        self.world.buildings.append(bldg)
        self.world.houses.append(House(f"{key}-H", bldg, None, None, None, road, number, lon, lat))

    def add_shops(self, community: Community, roads: list[str]) -> None:
        for s in range(1, self.rng.randint(5, 10) + 1):
            road = self.rng.choice(roads)
            number = self.doorplates.take(road)
            at = _jitter(self.rng, community.lon, community.lat, 500)
            self.add_single_house(
                f"{community.code}-S{s:03d}", None, community, self.rng.randint(1, 3), at, road, number
            )

    def add_village(self, community: Community) -> None:
        village = Estate(
            f"{community.code}-V00",
            community.short_name,
            "村",
            community,
            None,
            None,
            community.lon,
            community.lat,
        )
        self.world.estates.append(village)
        for g in range(1, self.rng.randint(4, 6) + 1):
            group_road = f"{community.short_name}{g}组"
            glon, glat = _jitter(self.rng, community.lon, community.lat, 800)
            for n in range(1, self.rng.randint(20, 40) + 1):
                at = _jitter(self.rng, glon, glat, 120)
                self.add_single_house(
                    f"{community.code}-G{g:02d}-{n:03d}",
                    village,
                    community,
                    self.rng.randint(2, 4),
                    at,
                    group_road,
                    n,
                )


def build_world(seed: int) -> World:
    """The address world for `seed`: the same seed always gives the same world."""
    rng = random.Random(f"{seed}:world")
    divisions = load_divisions()
    builder = _Builder(rng)
    for plan in STREET_PLANS:
        builder.world.roads[plan.code] = list(plan.roads)
        for community in _communities(divisions, plan, rng):
            builder.world.communities.append(community)
            if community.is_village:
                builder.add_village(community)
                continue
            roads = rng.sample(plan.roads, 3)
            index = 0
            for _ in range(rng.randint(2, 3)):
                index += 1
                builder.add_residential(builder.add_estate(community, index, "小区", roads))
            if rng.random() < 0.4:
                index += 1
                builder.add_tower(builder.add_estate(community, index, "大厦", roads))
            builder.add_shops(community, roads)
    return builder.world
