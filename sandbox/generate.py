"""The simulation itself: who posts what and when, for one brand and one UTC day at a time.

Every function draws from its own named random stream (seed, brand, day, kind), or for a thread from its
post's key, so the same seed and day always give the same statuses whatever else was generated before.
Statuses come out without ids: the World numbers them when it indexes their day.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from assets.brand_config import BrandConfig, Campaign

from .ids import MS_PER_DAY, day_start_ms, epoch_day, from_ms
from .matching import BrandMatcher
from .people import Account
from .randomness import stream
from .rhythms import (
    DEFAULT_BUSINESS_HOURS,
    EVENING_PEAK,
    HOUR_MS,
    OFFICE_HOURS,
    POSTING_WEEK,
    TALKING_WEEK,
    add_business_hours,
    burst_times,
    local_noon,
    sample_times,
    zone,
)
from .status import Status
from .texts import (
    BAD_BUZZ,
    BRAND_REPLIES,
    CAMPAIGN_MENTIONS,
    CAMPAIGN_POSTS,
    COMMENTS,
    COMPARISONS,
    FOLLOW_UPS,
    GENERIC_TAGS,
    MEMBER_REPLIES,
    MENTIONS,
    NOISE,
    POSTS,
    Mention,
    Segment,
    Tag,
    fill,
)

SENTIMENTS = ("positive", "neutral", "negative")
BAD_BUZZ_BLOCK_DAYS = 28
THREAD_SPAN_MS = 5 * MS_PER_DAY  # every reply in a thread comes within 5 days of its post
THREAD_MAX = 60  # Mastodon shows anonymous readers at most 60 descendants; threads stay within that
# Share of a brand's own posts written in French, by the brand's timezone.
FRENCH_BY_ZONE = {
    "Europe/Paris": 0.75,
    "Europe/Brussels": 0.6,
    "America/Montreal": 0.55,
    "Europe/Berlin": 0.1,
}


@dataclass(frozen=True)
class Profile:
    """How busy a brand is; drawn once per brand and seed."""

    posts_mean: float
    posts_range: tuple[int, int]
    mentions_mean: float
    mentions_range: tuple[int, int]
    comments_median: float
    answer_rate: float
    french_share: float
    mention_sentiment: tuple[float, float, float]
    comment_sentiment: tuple[float, float, float]
    growth: float  # net new followers on an ordinary day
    followers_base: int  # followers on ANCHOR_DAY


def _profile(seed: int, bid: str, role: str, timezone: str) -> Profile:
    rng = stream(seed, bid, "profile")
    french = FRENCH_BY_ZONE.get(timezone, 0.2)
    if role == "client":
        return Profile(
            posts_mean=rng.uniform(2.4, 3.2),
            posts_range=(1, 5),
            mentions_mean=rng.uniform(38, 52),
            mentions_range=(20, 80),
            comments_median=rng.uniform(3.5, 6),
            answer_rate=rng.uniform(0.8, 0.85),
            french_share=french,
            mention_sentiment=(0.48, 0.34, 0.18),
            comment_sentiment=(0.4, 0.4, 0.2),
            growth=rng.uniform(8, 20),
            followers_base=rng.randint(6_000, 20_000),
        )
    return Profile(
        posts_mean=rng.uniform(0.9, 1.6),
        posts_range=(0, 3),
        mentions_mean=rng.uniform(10, 22),
        mentions_range=(3, 40),
        comments_median=rng.uniform(2, 4),
        answer_rate=rng.uniform(0.3, 0.5),
        french_share=french,
        mention_sentiment=(0.42, 0.38, 0.2),
        comment_sentiment=(0.4, 0.4, 0.2),
        growth=rng.uniform(6, 25),
        followers_base=rng.randint(8_000, 50_000),
    )


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


@dataclass(frozen=True)
class ScriptedBadBuzz:
    """A bad buzz started at a chosen moment (for intraday tests), on top of the brand's ordinary day.

    The outrage starts at `onset` and fades: `size` mentions at onset + an exponential delay of mean
    `decay_hours`, most of them negative. Seeded from the brand and the onset, so it is the same on every
    request and every platform's World draws its own people for it.
    """

    brand_id: str
    onset: dt.datetime
    size: int = 300
    decay_hours: float = 1.5
    negative_share: float = 0.9

    @property
    def onset_ms(self) -> int:
        onset = self.onset if self.onset.tzinfo else self.onset.replace(tzinfo=dt.UTC)
        return int(onset.timestamp() * 1000)


class Generator:
    def __init__(
        self,
        config: BrandConfig,
        seed: int,
        accounts: dict[str, Account],
        members: tuple[Account, ...],
        matcher: BrandMatcher,
        bad_buzzes: tuple[ScriptedBadBuzz, ...] = (),
    ):
        self.config, self.seed, self.accounts, self.members, self.matcher = (
            config,
            seed,
            accounts,
            members,
            matcher,
        )
        self._member_weights = list(accumulate(m.weight for m in members))
        self.tz = {bid: zone(b.timezone) for bid, b in config.brands.items()}
        self.profiles = {bid: _profile(seed, bid, b.role, b.timezone) for bid, b in config.brands.items()}
        # Comparisons pair a brand with another of its competitive group(s).
        self.partners: dict[str, tuple[str, ...]] = {}
        for group in config.competitive_groups().values():
            for bid in group:
                others = [o for o in group if o != bid and o not in self.partners.get(bid, ())]
                self.partners[bid] = (*self.partners.get(bid, ()), *others)
        brand_words = {w.lower() for b in config.brands.values() for w in (*b.hashtags, *b.keywords)}
        brand_words |= {t.lower() for c in config.campaigns for t in c.hashtags}
        self.generic_tags = tuple(t for t in GENERIC_TAGS if t not in brand_words)
        self.near_misses = self._near_misses()
        first = next(iter(config.brands.values()))
        self.crowd_tz = zone(first.timezone)  # the public's own rhythm, for statuses about nobody
        unknown = [b.brand_id for b in bad_buzzes if b.brand_id not in config.brands]
        if unknown:
            raise ValueError(f"scripted bad buzz for unknown brand(s): {', '.join(unknown)}")
        self.scripted = tuple(bad_buzzes)

    # -- helpers ----------------------------------------------------------------------------------------

    def member(self, rng: random.Random) -> Account:
        return rng.choices(self.members, cum_weights=self._member_weights)[0]

    def status(
        self,
        key: str,
        ms: int,
        account: Account,
        segments: list[Segment],
        lang: str,
        kind: str,
        **fields: object,
    ) -> Status:
        st = Status(key=key, ms=ms, account=account, segments=tuple(segments), lang=lang, kind=kind, **fields)
        st.named = self.matcher.names(st.text, st.tags, st.mentions, account)
        return st

    def campaigns_on(self, bid: str, local_date: dt.date) -> list[Campaign]:
        return [c for c in self.config.campaigns if c.brand_id == bid and c.start <= local_date <= c.end]

    def campaign_day(self, bid: str, day: dt.date) -> bool:
        return bool(self.campaigns_on(bid, local_noon(day, self.tz[bid]).date()))

    def bad_buzz_day(self, bid: str, block: int) -> dt.date | None:
        """The one bad-buzz day of a client brand in a 28-day block (block = epoch day // 28)."""
        return _bad_buzz_day(self.seed, bid, block) if self.config.brands[bid].role == "client" else None

    def is_bad_buzz(self, bid: str, day: dt.date) -> bool:
        return self.bad_buzz_day(bid, epoch_day(day) // BAD_BUZZ_BLOCK_DAYS) == day

    def can_be_named(self, bid: str) -> bool:
        b = self.config.brands[bid]
        return bool(b.keywords or b.hashtags or bid in self.accounts)

    def brand_ref(self, rng: random.Random, bid: str) -> Segment:
        """How a member names a brand: mostly by keyword, else by #hashtag, sometimes by @handle."""
        b, account, u = self.config.brands[bid], self.accounts.get(bid), rng.random()
        if b.keywords and (u < 0.55 or not (b.hashtags or account)):
            word = rng.choice(b.keywords)
            return word.lower() if rng.random() < 0.15 else word
        if b.hashtags and (u < 0.85 or account is None):
            return Tag(rng.choice(b.hashtags))
        assert account is not None
        return Mention(account)

    def _near_misses(self) -> tuple[Segment, ...]:
        # Words close to a brand's that must not count: plurals, fragments, longer hashtags.
        out: list[Segment] = ["bean", "coffee", "brew", "roast", "klub", "pedal"]
        for b in self.config.brands.values():
            for kw in b.keywords:
                out.append(kw.replace(" ", "").lower() + "s")
                out.extend(p.lower() for p in kw.split() if len(kw.split()) > 1)
            out.extend(Tag(h.lower() + "lover") for h in b.hashtags)
        return tuple(out)

    # -- what a brand posts ----------------------------------------------------------------------------

    def posts(self, bid: str, day: dt.date) -> list[Status]:
        account = self.accounts.get(bid)
        if account is None:
            return []
        brand, p, tz = self.config.brands[bid], self.profiles[bid], self.tz[bid]
        rng = stream(self.seed, bid, day.isoformat(), "posts")
        mean = p.posts_mean * POSTING_WEEK[local_noon(day, tz).weekday()]
        mean *= 1.4 if self.campaign_day(bid, day) else 1.0
        n = _clamp(round(rng.gauss(mean, 0.7)), p.posts_range)
        out = []
        for i, ms in enumerate(sample_times(rng, day, tz, OFFICE_HOURS, n)):
            lang = "fr" if rng.random() < p.french_share else "en"
            campaigns = self.campaigns_on(bid, from_ms(ms).astimezone(tz).date())
            tags: list[str] = []
            if campaigns and rng.random() < 0.75:
                text, boost = rng.choice(CAMPAIGN_POSTS[lang]), 1.6
                tags.extend(campaigns[0].hashtags)
                tags.extend(brand.hashtags[:1])
            else:
                text, boost = rng.choice(POSTS[lang]), 1.0
                if brand.hashtags and rng.random() < 0.55:
                    tags.append(rng.choice(brand.hashtags))
                if self.generic_tags and rng.random() < 0.2:
                    tags.append(rng.choice(self.generic_tags))
            segments: list[Segment] = [text]
            for t in tags:
                segments += [" ", Tag(t)]
            engagement = rng.lognormvariate(0, 0.5) * boost
            planned = round(p.comments_median * engagement * rng.uniform(0.6, 1.4))
            favourites = int((3 + 2.5 * planned) * engagement * rng.uniform(0.8, 1.5))
            out.append(
                self.status(
                    f"p/{bid}/{day}/{i}",
                    ms,
                    account,
                    segments,
                    lang,
                    "post",
                    favourites=favourites,
                    reblogs=int(favourites * rng.uniform(0.1, 0.35)),
                    planned_comments=planned,
                )
            )
        return out

    # -- the conversation under a post -----------------------------------------------------------------

    def thread(self, post: Status) -> list[Status]:
        """Every reply under the post (even those after 'now'), parents before children; sets children."""
        bid = post.account.brand_id
        assert bid is not None
        brand, p, tz = self.config.brands[bid], self.profiles[bid], self.tz[bid]
        hours = brand.business_hours or DEFAULT_BUSINESS_HOURS
        sla = brand.sla_hours or 24.0
        rng = stream(self.seed, post.key, "thread")
        items: list[Status] = []

        def reply(
            suffix: str,
            ms: int,
            author: Account,
            segments: list[Segment],
            lang: str,
            kind: str,
            sentiment: str | None,
            parent: Status,
        ) -> Status:
            st = self.status(
                f"{post.key}/{suffix}",
                ms,
                author,
                segments,
                lang,
                kind,
                sentiment=sentiment,
                parent=parent,
                root=post,
                favourites=int(rng.expovariate(1 / 1.5)),
            )
            items.append(st)
            return st

        for i in range(post.planned_comments):
            author = self.member(rng)
            lang = post.lang if rng.random() < 0.8 else author.lang
            sentiment = rng.choices(SENTIMENTS, weights=p.comment_sentiment)[0]
            u = rng.random()
            if u < 0.65:
                delay = rng.expovariate(1 / 1.2)
            elif u < 0.93:
                delay = rng.expovariate(1 / 9)
            else:
                delay = rng.uniform(24, 96)
            ms = post.ms + max(20_000, min(96 * HOUR_MS, int(delay * HOUR_MS)))
            comment = reply(
                f"{i}",
                ms,
                author,
                [rng.choice(COMMENTS[(lang, sentiment)])],
                lang,
                "comment",
                sentiment,
                post,
            )
            # Members talk among themselves under a comment.
            parent, depth = comment, 1
            while depth < 3 and rng.random() < (0.18 if depth == 1 else 0.3):
                other = self.member(rng)
                ms = parent.ms + max(30_000, int(rng.expovariate(1 / 2) * HOUR_MS))
                text = [Mention(parent.account), " ", rng.choice(MEMBER_REPLIES[lang])]
                parent = reply(f"{i}.r{depth}", ms, other, text, lang, "comment", "neutral", parent)
                depth += 1
            # The brand answers most comments, in business hours; a few late, some never.
            if rng.random() < p.answer_rate:
                late = rng.random() >= 0.78
                work = rng.uniform(1.1, 3.0) * sla if late else rng.uniform(0.05, 0.9) * sla
                ms = add_business_hours(comment.ms + 60_000, work, hours, tz)
                text = [Mention(author), " ", rng.choice(BRAND_REPLIES[(lang, sentiment)])]
                answer = reply(f"{i}.b", ms, post.account, text, lang, "brand_reply", None, comment)
                if rng.random() < 0.25:
                    ms = answer.ms + max(30_000, int(rng.expovariate(1 / 3) * HOUR_MS))
                    reply(
                        f"{i}.b.f",
                        ms,
                        author,
                        [rng.choice(FOLLOW_UPS[lang])],
                        lang,
                        "comment",
                        "neutral",
                        answer,
                    )

        # Keep what falls within the thread's span, earliest first, and never a reply without its parent.
        kept: list[Status] = []
        alive = {id(post)}
        for st in sorted(items, key=lambda s: (s.ms, s.key)):
            if st.ms <= post.ms + THREAD_SPAN_MS and id(st.parent) in alive and len(kept) < THREAD_MAX:
                kept.append(st)
                alive.add(id(st))
        post.children = []
        for st in kept:
            st.parent.children.append(st)
        return kept

    # -- what members say about brands ----------------------------------------------------------------

    def mentions(self, bid: str, day: dt.date) -> list[Status]:
        if not self.can_be_named(bid):
            return []
        p, tz = self.profiles[bid], self.tz[bid]
        out = self._ordinary_mentions(bid, day, p, tz)
        out += self._campaign_mentions(bid, day, tz)
        if self.is_bad_buzz(bid, day):
            out += self._bad_buzz(bid, day, tz)
        for buzz in self.scripted:
            if buzz.brand_id == bid:
                out += self._scripted_bad_buzz(buzz, day)
        return out

    def _ordinary_mentions(self, bid: str, day: dt.date, p: Profile, tz) -> list[Status]:
        rng = stream(self.seed, bid, day.isoformat(), "mentions")
        n = round(p.mentions_mean * TALKING_WEEK[local_noon(day, tz).weekday()] * rng.uniform(0.75, 1.25))
        n = _clamp(n, p.mentions_range)
        # The day after a bad buzz the tone stays sour.
        weights = (
            (0.2, 0.3, 0.5) if self.is_bad_buzz(bid, day - dt.timedelta(days=1)) else p.mention_sentiment
        )
        partners = [o for o in self.partners.get(bid, ()) if self.can_be_named(o)]
        out = []
        for i, ms in enumerate(sample_times(rng, day, tz, EVENING_PEAK, n)):
            author = self.member(rng)
            lang = author.lang if rng.random() < 0.9 else ("en" if author.lang == "fr" else "fr")
            sentiment = rng.choices(SENTIMENTS, weights=weights)[0]
            refs = {"b": self.brand_ref(rng, bid)}
            if partners and rng.random() < 0.12:
                refs["c"] = self.brand_ref(rng, rng.choice(partners))
                if rng.random() < 0.5:
                    refs["b"], refs["c"] = refs["c"], refs["b"]
                template = rng.choice(COMPARISONS[(lang, sentiment)])
            else:
                template = rng.choice(MENTIONS[(lang, sentiment)])
            segments = fill(template, refs)
            if self.generic_tags and rng.random() < 0.15:
                segments += [" ", Tag(rng.choice(self.generic_tags))]
            out.append(
                self._member_status(
                    rng, f"m/{bid}/{day}/{i}", ms, author, segments, lang, "mention", sentiment
                )
            )
        return out

    def _campaign_mentions(self, bid: str, day: dt.date, tz) -> list[Status]:
        out = []
        for campaign in self.config.campaigns:
            if campaign.brand_id != bid:
                continue
            # Local campaign dates may start or end inside this UTC day: check each status's local date.
            if not campaign.start - dt.timedelta(days=1) <= day <= campaign.end + dt.timedelta(days=1):
                continue
            rng = stream(self.seed, bid, day.isoformat(), "campaign", campaign.name)
            times = sample_times(rng, day, tz, EVENING_PEAK, rng.randint(10, 25))
            for i, ms in enumerate(times):
                author = self.member(rng)
                sentiment = "positive" if rng.random() < 0.7 else "neutral"
                segments = fill(rng.choice(CAMPAIGN_MENTIONS[author.lang]), {"b": self.brand_ref(rng, bid)})
                for t in campaign.hashtags:
                    segments += [" ", Tag(t)]
                if campaign.start <= from_ms(ms).astimezone(tz).date() <= campaign.end:
                    out.append(
                        self._member_status(
                            rng,
                            f"k/{bid}/{campaign.name}/{day}/{i}",
                            ms,
                            author,
                            segments,
                            author.lang,
                            "campaign",
                            sentiment,
                        )
                    )
        return out

    def _bad_buzz(self, bid: str, day: dt.date, tz) -> list[Status]:
        rng = stream(self.seed, bid, day.isoformat(), "bad_buzz")
        n = rng.randint(150, 400)
        offset_hours = local_noon(day, tz).utcoffset().total_seconds() / 3600
        peak_hour = max(3.0, min(21.0, rng.uniform(9, 19) - offset_hours))  # a local daytime peak, in UTC
        times = burst_times(rng, day, day_start_ms(day) + int(peak_hour * HOUR_MS), rng.uniform(0.8, 1.8), n)
        out = []
        for i, ms in enumerate(times):
            out.append(self._bad_buzz_status(rng, f"b/{bid}/{day}/{i}", ms, bid, negative_share=0.88))
        return out

    def _bad_buzz_status(
        self, rng: random.Random, key: str, ms: int, bid: str, negative_share: float
    ) -> Status:
        """One member's status of a bad buzz: mostly negative, the rest neutral (the daily and scripted ones)."""
        author = self.member(rng)
        ref = {"b": self.brand_ref(rng, bid)}
        if rng.random() < negative_share:
            sentiment, template = "negative", rng.choice(BAD_BUZZ[author.lang])
        else:
            sentiment, template = "neutral", rng.choice(MENTIONS[(author.lang, "neutral")])
        return self._member_status(
            rng, key, ms, author, fill(template, ref), author.lang, "bad_buzz", sentiment
        )

    def _scripted_bad_buzz(self, buzz: ScriptedBadBuzz, day: dt.date) -> list[Status]:
        """The scripted buzz's statuses created on this UTC day (all drawn every time, then filtered, so a
        status is the same whichever day asks)."""
        lo, hi = day_start_ms(day), day_start_ms(day) + MS_PER_DAY
        if buzz.onset_ms >= hi:
            return []
        rng = stream(self.seed, buzz.brand_id, buzz.onset_ms, "scripted_bad_buzz")
        out = []
        for i in range(buzz.size):
            ms = buzz.onset_ms + int(rng.expovariate(1 / buzz.decay_hours) * HOUR_MS)
            key = f"s/{buzz.brand_id}/{buzz.onset_ms}/{i}"
            st = self._bad_buzz_status(rng, key, ms, buzz.brand_id, buzz.negative_share)
            if lo <= ms < hi:
                out.append(st)
        return out

    def _member_status(
        self,
        rng: random.Random,
        key: str,
        ms: int,
        author: Account,
        segments: list[Segment],
        lang: str,
        kind: str,
        sentiment: str,
    ) -> Status:
        reach = 1 + math.log10(author.followers + 1)
        favourites = int(rng.expovariate(1 / 1.5) * reach)
        return self.status(
            key,
            ms,
            author,
            segments,
            lang,
            kind,
            sentiment=sentiment,
            favourites=favourites,
            reblogs=int(favourites * rng.uniform(0, 0.3)),
        )

    # -- everything else people post --------------------------------------------------------------------

    def noise(self, day: dt.date) -> list[Status]:
        """Statuses that name no brand, some with near-miss words, so that search filtering matters."""
        rng = stream(self.seed, day.isoformat(), "noise")
        n = round(rng.randint(40, 80) * TALKING_WEEK[local_noon(day, self.crowd_tz).weekday()])
        out = []
        for i, ms in enumerate(sample_times(rng, day, self.crowd_tz, EVENING_PEAK, n)):
            author = self.member(rng)
            for _ in range(5):
                segments = fill(rng.choice(NOISE[author.lang]), {"n": rng.choice(self.near_misses)})
                if self.generic_tags and rng.random() < 0.25:
                    segments += [" ", Tag(rng.choice(self.generic_tags))]
                st = self._member_status(
                    rng, f"n/{day}/{i}", ms, author, segments, author.lang, "noise", "neutral"
                )
                if not st.named:
                    out.append(st)
                    break
        return out

    # -- audience ---------------------------------------------------------------------------------------

    def net_follows(self, bid: str, day: dt.date) -> int:
        """Followers gained minus lost on a UTC day: a jump on campaign days, a dip after a bad buzz."""
        p, tz = self.profiles[bid], self.tz[bid]
        rng = stream(self.seed, bid, day.isoformat(), "followers")
        rate = p.growth * (1.15 if local_noon(day, tz).weekday() < 5 else 0.8)
        adds = rng.gauss(rate, rate * 0.5)
        if self.campaign_day(bid, day):
            adds += rate * rng.uniform(3, 6)
        if self.is_bad_buzz(bid, day):
            adds -= rate * rng.uniform(1, 2)
        elif any(self.is_bad_buzz(bid, day - dt.timedelta(days=k)) for k in (1, 2)):
            adds -= rate * rng.uniform(2, 4)
        return round(adds)


@cache
def _bad_buzz_day(seed: int, bid: str, block: int) -> dt.date:
    offset = stream(seed, bid, "bad_buzz_day", block).randrange(BAD_BUZZ_BLOCK_DAYS)
    return dt.date(1970, 1, 1) + dt.timedelta(days=block * BAD_BUZZ_BLOCK_DAYS + offset)
