"""What every dataset builder shares: the world, the contracts, the seed-derived random streams,
the scale and the time anchor, plus the resident population several feeds draw on (so the elderly
in a community workbook are real residents of the household register).

Owns the population model; it writes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from contracts.contract import Contract
from feeds.sample.addresses import AddressRenderer
from feeds.sample.divisions import PROVINCE, Division, county_codes, load_divisions
from feeds.sample.people import Person, person
from feeds.sample.world import Building, Estate, House, World

# relation to the head of household -> (age difference range, male?; None = opposite of the head)
RELATIONS: dict[str, tuple[int, int, bool | None]] = {
    "配偶": (-4, 4, None),
    "子": (-34, -22, True),
    "女": (-34, -22, False),
    "父亲": (24, 34, True),
    "母亲": (22, 32, False),
    "孙子": (-62, -46, True),
    "孙女": (-62, -46, False),
    "儿媳": (-34, -22, False),
    "女婿": (-34, -22, True),
}


@dataclass(frozen=True)
class Resident:
    person: Person
    house: House
    household_id: str
    relation: str


@dataclass
class Context:
    world: World
    contracts: dict[str, Contract]
    seed: int
    scale: float
    today: date
    _streams: dict[str, random.Random] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)

    def person(
        self,
        region: str,
        age: int,
        rng: random.Random,
        rare_name: bool = False,
        male: bool | None = None,
    ) -> Person:
        """A person whose resident ID no other generated person has."""
        while True:
            p = person(region, age, self.today, rng, rare_name, male)
            if p.resident_id not in self._ids:
                self._ids.add(p.resident_id)
                return p

    def rng(self, name: str) -> random.Random:
        """An independent random stream per purpose, so one feed's size never shifts another's."""
        if name not in self._streams:
            self._streams[name] = random.Random(f"{self.seed}:{name}")
        return self._streams[name]

    def rows(self, base: int, minimum: int = 20) -> int:
        """`base` rows scaled, never fewer than `minimum` (so every dirt kind still fits)."""
        return max(minimum, round(base * self.scale))

    def renderer(self, dataset: str, encoding: str = "utf-8", every: int = 25) -> AddressRenderer:
        return AddressRenderer(self.rng(f"{dataset}:address"), every=every, encoding=encoding)

    @cached_property
    def homes(self) -> list[House]:
        """Houses people live in: flats of residential estates and rural houses."""
        return [h for h in self.world.houses if h.estate is not None and h.estate.kind in ("小区", "村")]

    @cached_property
    def shops(self) -> list[House]:
        """Street-front houses reached by their own doorplate (no estate)."""
        return [h for h in self.world.houses if h.estate is None]

    @cached_property
    def numbered_buildings(self) -> list[Building]:
        """Buildings with a 幢 number (estate buildings)."""
        return [b for b in self.world.buildings if b.number is not None]

    @cached_property
    def estates_of_kind(self) -> dict[str, list[Estate]]:
        """Estates grouped by kind (小区, 大厦, 村)."""
        out: dict[str, list[Estate]] = {}
        for e in self.world.estates:
            out.setdefault(e.kind, []).append(e)
        return out

    @cached_property
    def divisions(self) -> dict[str, Division]:
        return load_divisions()

    @cached_property
    def zhejiang_counties(self) -> list[str]:
        """Real Zhejiang county-level codes (resident-ID region prefixes)."""
        return county_codes(self.divisions)

    def county_with_name(self, rng: random.Random) -> tuple[str, str]:
        """A random Zhejiang county: (code, '浙江省温州市苍南县')."""
        county = self.divisions[rng.choice(self.zhejiang_counties)]
        city = self.divisions[county.parent_code]
        return county.code, f"{PROVINCE}{city.name}{county.name}"

    @cached_property
    def residents(self) -> list[Resident]:
        """Households in the world's houses, about 2.4 people each, enough for every feed."""
        rng = self.rng("population")
        target = self.rows(5000, minimum=300) + 200
        houses = list(self.homes)
        rng.shuffle(houses)
        out: list[Resident] = []
        n = 0
        while len(out) < target:  # past ~30k households, houses take a second household
            house = houses[n % len(houses)]
            n += 1
            household_id = f"{house.community.district_code}{n:07d}"
            region = (
                house.community.district_code if rng.random() < 0.7 else rng.choice(self.zhejiang_counties)
            )
            head_age = rng.randint(28, 88)
            head = self.person(region, head_age, rng)
            out.append(Resident(head, house, household_id, "户主"))
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                relation = rng.choice(list(RELATIONS))
                low, high, male = RELATIONS[relation]
                age = head_age + rng.randint(low, high)
                if not 0 <= age <= 99:
                    continue
                if male is None:  # a spouse: the other sex from the head's
                    male = head.sex == "女"
                out.append(Resident(self.person(region, age, rng, male=male), house, household_id, relation))
        return out
