"""YouTube connector (Data API v3): fetch a day's pages into the landing zone, parse landed pages into records.

A brand's posts are its channel's videos, its comments the comment threads under them (a top-level comment
and its replies), its mentions the videos of others whose title or description name it. Day windows are the
search endpoint's publishedAfter/publishedBefore ([day 00:00Z, next day 00:00Z]); every list pages with
nextPageToken -> pageToken. Search snippets are HTML-escaped and cut short, and carry no counts, so every
video found is read again through videos.list (full text, statistics) before it is parsed.

Quota, not rate limits: YouTube sends no rate-limit headers; a spent daily quota is HTTP 403 with reason
quotaExceeded, which no retry can fix (it resets at midnight Pacific time), so it fails the run at once.
search.list costs 100 units a call, videos/channels/commentThreads/comments.list 1 unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from .connector import Connector, page_items
from .http_core import ApiError, Response, cursor_in_body, stop_before
from .landing import LandedPage
from .records import day_bounds, html_to_text, parse_time, quarantined

PLATFORM = "youtube"
SEARCH_LIMIT = 50  # search.list's maximum maxResults
LIST_LIMIT = 100  # commentThreads.list and comments.list maximum
IDS_PER_CALL = 50  # videos.list and channels.list take at most 50 ids
MAX_PAGES = 10_000
RATE_LIMIT_STYLE = "epoch"  # nothing to read: YouTube sends no rate-limit headers (quota fails with 403)
LIVE_BASE_URL = ("YOUTUBE_BASE_URL", "https://www.googleapis.com")
LIVE_CREDENTIALS = ("YOUTUBE_API_KEY",)  # public data only: an API key, sent as ?key= (redacted by HttpCore)

HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
HANDLE = re.compile(r"(?<![\w@])@([\w.-]*\w)")


def http_options(credentials: dict[str, str]) -> dict:
    key = credentials.get("YOUTUBE_API_KEY")
    return {"default_params": {"key": key}} if key else {}


def rfc3339(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _count(value: object) -> int | None:
    """Statistics come as decimal strings; an absent one (hidden likes, disabled comments) is unknown."""
    return None if value is None else int(value)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class YouTubeConnector(Connector):
    platform = PLATFORM

    # ---- requests --------------------------------------------------------------------------------

    def _get(self, path: str, params: dict | None) -> Response:
        try:
            return self.http.get(path, params)
        except ApiError as exc:
            _raise_if_quota(exc)
            raise

    def _pages(self, path: str, params: dict, start: dt.datetime | None = None) -> Iterator[Response]:
        """Every page of a list, following nextPageToken; search lists (newest first) stop at `start`."""
        follow = cursor_in_body(("nextPageToken",), "pageToken")
        if start is not None:
            follow = stop_before(start, follow, items=_items, created_at=_published)
        try:
            yield from self.http.paginate(path, params, follow, max_pages=MAX_PAGES)
        except ApiError as exc:
            _raise_if_quota(exc)
            raise

    def _lookup(self, handle: str) -> Response:
        if handle not in self._lookups:
            params = {"part": "snippet,statistics,contentDetails", "forHandle": "@" + handle.lstrip("@")}
            self._lookups[handle] = self._get("/youtube/v3/channels", params)
        return self._lookups[handle]

    def _channel_id(self, handle: str) -> str | None:
        items = self._lookup(handle).json().get("items") or []  # no such handle: no "items" at all
        return items[0]["id"] if items else None

    def _channel_pages(self, entity: str, day: dt.date) -> list[LandedPage]:
        return [
            LandedPage.of(self._lookup(h), PLATFORM, entity, day, "channel", {"brand_id": b, "handle": h})
            for b, h in self.accounts.items()
        ]

    def channel_videos(self, channel_id: str, start: dt.datetime, end: dt.datetime) -> Iterator[Response]:
        """Search pages of a channel's videos published in [start, end], newest first."""
        params = {
            "part": "snippet",
            "channelId": channel_id,
            "type": "video",
            "order": "date",
            "publishedAfter": rfc3339(start),
            "publishedBefore": rfc3339(end),
            "maxResults": SEARCH_LIMIT,
        }
        yield from self._pages("/youtube/v3/search", params, start)

    def search_videos(self, q: str, start: dt.datetime, end: dt.datetime) -> Iterator[Response]:
        params = {
            "part": "snippet",
            "q": q,
            "type": "video",
            "order": "date",
            "publishedAfter": rfc3339(start),
            "publishedBefore": rfc3339(end),
            "maxResults": SEARCH_LIMIT,
        }
        yield from self._pages("/youtube/v3/search", params, start)

    def videos(self, video_ids: list[str]) -> list[Response]:
        return [
            self._get("/youtube/v3/videos", {"part": "snippet,statistics", "id": ",".join(ids)})
            for ids in _chunks(list(dict.fromkeys(video_ids)), IDS_PER_CALL)
        ]

    def channels(self, channel_ids: list[str]) -> list[Response]:
        return [
            self._get("/youtube/v3/channels", {"part": "snippet,statistics", "id": ",".join(ids)})
            for ids in _chunks(list(dict.fromkeys(channel_ids)), IDS_PER_CALL)
        ]

    def comment_threads(self, video_id: str) -> list[Response]:
        """Every thread of a video; a video whose comments are disabled (or gone) has none."""
        params = {"part": "snippet,replies", "videoId": video_id, "maxResults": LIST_LIMIT}
        try:
            return list(self._pages("/youtube/v3/commentThreads", params))
        except ApiError as exc:
            if exc.status == 404 or (exc.status == 403 and "disabled comments" in exc.cause):
                return []
            raise

    def replies(self, thread_id: str) -> list[Response]:
        params = {"part": "snippet", "parentId": thread_id, "maxResults": LIST_LIMIT}
        return list(self._pages("/youtube/v3/comments", params))

    # ---- fetching: API -> landed pages -----------------------------------------------------------

    def _video_ids(self, pages: list[Response]) -> list[str]:
        return [vid for r in pages for item in _items(r.json()) if (vid := _search_video_id(item))]

    def fetch_posts(self, day: dt.date) -> list[LandedPage]:
        start, end = day_bounds(day)
        pages = self._channel_pages("posts", day)
        for brand_id, handle in self.accounts.items():
            channel_id = self._channel_id(handle)
            if channel_id is None:
                continue
            listing = list(self.channel_videos(channel_id, start, end))
            ctx = {"brand_id": brand_id, "channel_id": channel_id}
            pages += [LandedPage.of(r, PLATFORM, "posts", day, "search", ctx) for r in listing]
            pages += [
                LandedPage.of(r, PLATFORM, "posts", day, "videos", ctx)
                for r in self.videos(self._video_ids(listing))
            ]
        return pages

    def fetch_comments(self, days: list[dt.date]) -> dict[dt.date, list[LandedPage]]:
        """Comments created on each day under the brands' videos of the `lookback_days` before it.

        A thread embeds at most a few of its replies (5 at most): when totalReplyCount says there are
        more, comments.list?parentId= pages them all. One walk serves every day of the range; each day
        still lands every page it needs to be re-derived on its own.
        """
        window_start, window_end = self.comment_window(days)
        out: dict[dt.date, list[LandedPage]] = {d: self._channel_pages("comments", d) for d in days}
        for brand_id, handle in self.accounts.items():
            channel_id = self._channel_id(handle)
            if channel_id is None:
                continue
            listing = list(self.channel_videos(channel_id, window_start, window_end))
            published = {}
            for r in listing:
                for item in _items(r.json()):
                    vid = _search_video_id(item)
                    try:
                        if vid:
                            published[vid] = _published(item)
                    except (KeyError, TypeError, ValueError):
                        continue  # undated: the posts parser quarantines it
            walked = {}
            for vid in published:
                threads = self.comment_threads(vid)
                more = [tid for r in threads for tid in threads_missing_replies(r.json())]
                walked[vid] = (threads, {tid: self.replies(tid) for tid in more})
            for d in days:
                ctx = {"brand_id": brand_id, "channel_id": channel_id}
                out[d] += [LandedPage.of(r, PLATFORM, "comments", d, "search", ctx) for r in listing]
                for vid, (threads, replies) in walked.items():
                    if not self.in_lookback(d, published[vid]):
                        continue
                    vctx = {**ctx, "video_id": vid}
                    out[d] += [LandedPage.of(r, PLATFORM, "comments", d, "threads", vctx) for r in threads]
                    out[d] += [
                        LandedPage.of(r, PLATFORM, "comments", d, "replies", {**vctx, "thread_id": tid})
                        for tid, pages in replies.items()
                        for r in pages
                    ]
        return out

    def fetch_mentions(self, day: dt.date) -> list[LandedPage]:
        """Videos found by each brand's keywords, #hashtags and @handle, read again in full by videos.list,
        and their channels (for subscriber counts)."""
        start, end = day_bounds(day)
        pages = self._channel_pages("mentions", day)
        found: list[Response] = []
        for brand in self.config.brands.values():
            terms = [*brand.keywords, *("#" + t for t in brand.hashtags)]
            if PLATFORM in brand.accounts:
                terms.append("@" + brand.accounts[PLATFORM].lstrip("@"))
            for term in terms:
                for r in self.search_videos(term, start, end):
                    found.append(r)
                    pages.append(
                        LandedPage.of(
                            r, PLATFORM, "mentions", day, "search", {"brand_id": brand.brand_id, "term": term}
                        )
                    )
        videos = self.videos(self._video_ids(found))
        pages += [LandedPage.of(r, PLATFORM, "mentions", day, "videos", {}) for r in videos]
        tracked = {self._channel_id(h) for h in self.accounts.values()}
        authors = [
            item["snippet"]["channelId"]
            for r in videos
            for item in _items(r.json())
            if item.get("snippet", {}).get("channelId") not in tracked
        ]
        pages += [LandedPage.of(r, PLATFORM, "mentions", day, "authors", {}) for r in self.channels(authors)]
        return pages

    def fetch_account_snapshots(self, day: dt.date) -> list[LandedPage]:
        return self._channel_pages("account_snapshots", day)

    # ---- parsing: landed pages -> canonical records ----------------------------------------------

    def _tracked(self, pages: list[LandedPage]) -> dict[str, tuple[str, str]]:
        """channel id -> (brand id, handle), from the channel look-ups landed with the day."""
        out = {}
        for p in pages:
            if p.kind == "channel":
                for item in _items(p.json()):
                    out[item["id"]] = (p.context["brand_id"], p.context["handle"])
        return out

    def parse_posts(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        records: dict[str, dict] = {}
        bad: list[dict] = []
        for page, video in _page_items(pages, "videos", bad):
            try:
                snippet = video["snippet"]
                created = parse_time(snippet["publishedAt"])
                if not start <= created < end or snippet["channelId"] != page.context["channel_id"]:
                    continue
                stats = video.get("statistics") or {}
                text = _video_text(snippet)
                records[video["id"]] = {
                    "platform": PLATFORM,
                    "post_id": video["id"],
                    "brand_id": page.context["brand_id"],
                    "account_id": snippet["channelId"],
                    "account_handle": tracked.get(snippet["channelId"], (None, None))[1],
                    "created_at": created,
                    "text": text,
                    "lang": _lang(snippet),
                    "url": f"https://www.youtube.com/watch?v={video['id']}",
                    "post_type": "post",
                    "hashtags": _hashtags(text),
                    "like_count": _count(stats.get("likeCount")),
                    "share_count": None,  # YouTube reports no shares
                    "reply_count": _count(stats.get("commentCount")),
                    "view_count": _count(stats.get("viewCount")),
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(video, page, exc))
        return list(records.values()), bad

    def parse_comments(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        """Top-level comments answer the video; replies answer their thread's top-level comment (YouTube
        keeps threads two levels deep: a reply to a reply is filed under the top-level comment)."""
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        records: dict[str, dict] = {}
        bad: list[dict] = []

        def add(page: LandedPage, comment: dict, parent_id: str | None, reply_count: object) -> None:
            try:
                snippet = comment["snippet"]
                created = parse_time(snippet["publishedAt"])
                if not start <= created < end or comment["id"] in records:
                    return
                author = (snippet.get("authorChannelId") or {}).get("value")
                author_id, author_handle = self._author(author, tracked)
                records[comment["id"]] = {
                    "platform": PLATFORM,
                    "comment_id": comment["id"],
                    "post_id": page.context["video_id"],
                    "parent_id": parent_id or snippet["parentId"],
                    "brand_id": page.context["brand_id"],
                    "author_id": author_id,
                    "author_handle": author_handle,
                    "is_from_tracked_account": author in tracked,
                    "created_at": created,
                    "text": snippet.get("textOriginal") or html_to_text(snippet.get("textDisplay") or ""),
                    "lang": None,  # YouTube does not say a comment's language
                    "like_count": _count(snippet.get("likeCount")),
                    "reply_count": _count(reply_count),
                }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(comment, page, exc))

        for page, item in _page_items(pages, ("threads", "replies"), bad):
            if page.kind == "replies":
                add(page, item, None, None)  # replies cannot be answered in their own right
                continue
            try:
                snippet = item["snippet"]
                top = snippet["topLevelComment"]
                embedded = (item.get("replies") or {}).get("comments") or []
            except (KeyError, TypeError, AttributeError) as exc:
                bad.append(quarantined(item, page, exc))
                continue
            add(page, top, page.context["video_id"], snippet.get("totalReplyCount"))
            for reply in embedded:
                add(page, reply, None, None)
        return list(records.values()), bad

    def _author(self, channel_id: str | None, tracked: dict) -> tuple[str | None, str | None]:
        """Real id and handle for tracked channels, a pseudonym and no handle for the public."""
        if channel_id is None:
            return None, None  # a comment from an account without a channel: nobody to name
        if channel_id in tracked:
            return channel_id, tracked[channel_id][1]
        return self.pseudonymize(PLATFORM, channel_id), None

    def parse_mentions(self, pages: list[LandedPage], day: dt.date) -> tuple[list[dict], list[dict]]:
        start, end = day_bounds(day)
        tracked = self._tracked(pages)
        followers: dict[str, int | None] = {}
        bad: list[dict] = []
        for page, channel in _page_items(pages, "authors", bad):
            try:
                followers[channel["id"]] = _subscribers(channel.get("statistics") or {})
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(quarantined(channel, page, exc))
        records: dict[tuple[str, str], dict] = {}
        seen: set[str] = set()
        for page, video in _page_items(pages, "videos", bad):
            try:
                vid = video["id"]
                snippet = video["snippet"]
                created = parse_time(snippet["publishedAt"])
                if vid in seen or not start <= created < end:
                    continue
                seen.add(vid)
                channel_id = snippet["channelId"]
                text = _video_text(snippet)
                stats = video.get("statistics") or {}
                own_brand = tracked.get(channel_id, (None, None))[0]
                author_id, author_handle = self._author(channel_id, tracked)
                for m in self.matcher.match(text, _hashtags(text), HANDLE.findall(text)):
                    if m.brand_id == own_brand:
                        continue  # a brand's own video is not a mention of it
                    records[(vid, m.brand_id)] = {
                        "platform": PLATFORM,
                        "mention_id": vid,
                        "matched_brand": m.brand_id,
                        "match_type": m.match_type,
                        "matched_term": m.term,
                        "author_id": author_id,
                        "author_handle": author_handle,
                        "author_followers": followers.get(channel_id),
                        "created_at": created,
                        "text": text,
                        "lang": _lang(snippet),
                        "url": f"https://www.youtube.com/watch?v={vid}",
                        "hashtags": _hashtags(text),
                        "like_count": _count(stats.get("likeCount")),
                        "share_count": None,
                        "reply_count": _count(stats.get("commentCount")),
                    }
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                bad.append(quarantined(video, page, exc))
        return list(records.values()), bad

    snapshot_page_kind = "channel"

    def snapshot_counts(self, page: LandedPage) -> list[dict]:
        out = []
        for channel in _items(page.json()):
            stats = channel.get("statistics") or {}
            out.append(
                {
                    "account_id": channel["id"],
                    "account_handle": page.context["handle"],
                    "followers": _subscribers(stats),
                    "following": None,  # YouTube does not say whom a channel subscribes to
                    "posts_count": _count(stats.get("videoCount")),
                }
            )
        return out


def threads_missing_replies(body: dict) -> list[str]:
    """Threads whose embedded replies are fewer than their totalReplyCount: page comments.list for them."""
    out = []
    for item in _items(body):
        snippet = item.get("snippet") or {}
        embedded = len((item.get("replies") or {}).get("comments") or [])
        try:
            more = int(snippet.get("totalReplyCount") or 0) > embedded
        except (TypeError, ValueError):
            more = True  # a count that cannot be read: ask for the replies rather than miss some
        if more:
            out.append(item["id"])
    return out


def _items(body: object) -> list:
    """A list response's items; YouTube leaves the key out when nothing matched."""
    items = body.get("items") if isinstance(body, dict) else None
    return items if isinstance(items, list) else []


def _published(item: dict) -> dt.datetime:
    return parse_time(item["snippet"]["publishedAt"])


def _search_video_id(item: object) -> str | None:
    ident = item.get("id") if isinstance(item, dict) else None
    if isinstance(ident, dict) and ident.get("kind") == "youtube#video":
        return ident.get("videoId")
    return None


def _video_text(snippet: dict) -> str:
    title, description = snippet.get("title") or "", snippet.get("description") or ""
    return f"{title}\n\n{description}" if description else title


def _hashtags(text: str) -> list[str]:
    """YouTube gives no hashtag list: they are the #words of the title and description, each once."""
    return list(dict.fromkeys(HASHTAG.findall(text)))


def _lang(snippet: dict) -> str | None:
    return snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage")


def _subscribers(stats: dict) -> int | None:
    if stats.get("hiddenSubscriberCount"):
        return None  # the owner hides it: unknown, not zero
    return _count(stats.get("subscriberCount"))


def _page_items(pages: list[LandedPage], kinds, bad: list[dict]):
    return page_items(
        pages, kinds, bad, lambda body: body.get("items", []) if isinstance(body, dict) else None
    )


def _raise_if_quota(exc: ApiError) -> None:
    """A spent daily quota: no retry helps before it resets, so say what happened and when it ends."""
    if exc.status == 403 and "quota" in exc.cause.lower():
        raise ApiError(
            exc.platform,
            exc.endpoint,
            403,
            "daily API quota exhausted (quotaExceeded); it resets at midnight Pacific time, re-run then",
        ) from exc


Connector = YouTubeConnector
