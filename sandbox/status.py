"""One status of the simulated instance (a post, a comment, a brand's reply, a mention or noise)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .people import Account
from .texts import Mention, Segment, Tag, plain_text

# kinds: post (a tracked account's top-level post), comment (a member's reply in a post's thread),
# brand_reply (the post owner's reply in its thread), mention, campaign, bad_buzz, noise (member statuses)


@dataclass(slots=True, eq=False)
class Status:
    key: str  # stable name, the tie-break when two statuses share a millisecond
    ms: int  # creation time, unix milliseconds
    account: Account
    segments: tuple[Segment, ...]
    lang: str
    kind: str
    sentiment: str | None = None
    parent: Status | None = None
    root: Status | None = None  # the tracked account's post at the top of the thread
    favourites: int = 0  # final counts; the API reveals them as the status ages
    reblogs: int = 0
    planned_comments: int = 0  # posts: how many member comments the thread will draw
    named: frozenset[str] = frozenset()  # tracked brands this status names (see matching.py)
    children: list[Status] = field(default_factory=list)
    id: int = 0  # assigned when the status's day is indexed
    text: str = ""
    tags: tuple[str, ...] = ()  # lower-case, unique, in order of appearance
    mentions: tuple[Account, ...] = ()

    def __post_init__(self) -> None:
        self.text = plain_text(self.segments)
        tags: dict[str, None] = {}
        mentions: dict[int, Account] = {}
        for s in self.segments:
            if isinstance(s, Tag):
                tags[s.name.lower()] = None
            elif isinstance(s, Mention):
                mentions[s.account.id] = s.account
        self.tags = tuple(tags)
        self.mentions = tuple(mentions.values())
