"""The accounts of the simulated instance: a fixed pool of members of the public, and the brands' own."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from .ids import day_start_ms, snowflake
from .randomness import stream

MEMBER_COUNT = 1500
FRENCH_SHARE = 0.4

# fmt: off
_FR_FIRST = (
    "camille", "lea", "manon", "chloe", "ines", "julie", "sarah", "emma", "louise", "claire", "margaux",
    "anais", "lucas", "hugo", "louis", "nathan", "theo", "antoine", "maxime", "julien", "thomas", "nicolas",
    "quentin", "remi",
)
_EN_FIRST = (
    "olivia", "amelia", "emily", "grace", "sophie", "hannah", "megan", "chloe", "jessica", "lucy", "ella",
    "ruby", "jack", "oliver", "harry", "george", "noah", "james", "liam", "ethan", "ryan", "daniel", "sam",
    "ben",
)
_FR_LAST = ("martin", "bernard", "dubois", "durand", "lefebvre", "moreau", "laurent", "simon", "michel",
            "garnier")
_EN_LAST = ("smith", "jones", "taylor", "brown", "wilson", "evans", "walker", "wright", "hughes", "clarke")
_HOBBIES = ("cafe", "velo", "ride", "books", "photo", "jazz", "garden", "cooks", "runs", "travels", "draws")
_NOTES_FR = ("Curieuse de tout.", "Café, vélo, bonne humeur.", "Photographe du dimanche.", "Lyonnaise.", "")
_NOTES_EN = ("Coffee first.", "Weekend cyclist.", "Writes about small things.", "Dog person.", "")
# fmt: on


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    acct: str
    display_name: str
    lang: str
    created_ms: int
    followers: int  # members only; a brand's count moves day by day (World.followers_at)
    following: int
    statuses_count: int  # members only
    note: str
    brand_id: str | None = None
    weight: float = 1.0  # how often a member posts, relative to the others


def _followers(rng) -> int:
    # Heavy tail: a handful of influencers, a middle class, and a long tail of small accounts.
    u = rng.random()
    if u < 0.01:
        return int(math.exp(rng.uniform(math.log(10_000), math.log(200_000))))
    if u < 0.08:
        return int(math.exp(rng.uniform(math.log(500), math.log(10_000))))
    return max(5, min(500, int(rng.lognormvariate(math.log(60), 1.0))))


def members(
    seed: int, count: int = MEMBER_COUNT, reserved: frozenset[str] = frozenset()
) -> tuple[Account, ...]:
    rng = stream(seed, "members")
    taken = set(reserved)
    out = []
    first_created = dt.date(2017, 4, 1)
    span = (dt.date(2025, 6, 1) - first_created).days
    for i in range(count):
        lang = "fr" if rng.random() < FRENCH_SHARE else "en"
        first = rng.choice(_FR_FIRST if lang == "fr" else _EN_FIRST)
        last = rng.choice(_FR_LAST if lang == "fr" else _EN_LAST)
        style = rng.random()
        if style < 0.4:
            username = f"{first}_{last}"
        elif style < 0.7:
            username = f"{first}{rng.choice(_HOBBIES)}"
        else:
            username = f"{first}{last[0]}{rng.randint(1, 99)}"
        while username in taken:
            username = f"{username}{rng.randint(0, 9)}"
        taken.add(username)
        display = f"{first.capitalize()} {last.capitalize() if rng.random() < 0.5 else last[0].upper() + '.'}"
        created = day_start_ms(first_created + dt.timedelta(days=rng.randrange(span)))
        out.append(
            Account(
                id=snowflake(created, i),
                username=username,
                acct=username,
                display_name=display,
                lang=lang,
                created_ms=created,
                followers=_followers(rng),
                following=rng.randint(10, 800),
                statuses_count=rng.randint(20, 5000),
                note=rng.choice(_NOTES_FR if lang == "fr" else _NOTES_EN),
                weight=1.0 / (1 + i % 97) ** 0.8,  # Zipf-like activity, spread over the pool
            )
        )
    return tuple(out)


def brand_account(seed: int, brand_id: str, name: str, handle: str, lang: str) -> Account:
    rng = stream(seed, brand_id, "account")
    created = day_start_ms(dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(1500)))
    username = handle.split("@", 1)[0]
    return Account(
        # A sequence range members never use, drawn from the brand id: reordering brands.yaml changes nothing.
        id=snowflake(created, rng.randrange(60_000, 1 << 16)),
        username=username,
        acct=handle,
        display_name=name,
        lang=lang,
        created_ms=created,
        followers=0,
        following=rng.randint(40, 400),
        statuses_count=0,
        note=f"Compte officiel de {name}." if lang == "fr" else f"The official account of {name}.",
        brand_id=brand_id,
    )
