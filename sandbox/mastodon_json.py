"""Mastodon 4.x JSON for the world's accounts and statuses (shapes copied from recorded responses)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .ids import day_of_ms, iso_ms
from .people import Account
from .status import Status
from .texts import Mention, Tag
from .world import World

VERSION = "4.3.0"
# Rails' html_escape, which Mastodon applies to status text: note the apostrophe as &#39;.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def account_url(account: Account, base: str) -> str:
    if "@" in account.acct:  # a remote account lives on its own instance
        return f"https://{account.acct.split('@', 1)[1]}/@{account.username}"
    return f"{base}/@{account.username}"


def content_html(status: Status, base: str) -> str:
    parts = []
    for seg in status.segments:
        if isinstance(seg, Tag):
            parts.append(
                f'<a href="{base}/tags/{seg.name.lower()}" class="mention hashtag" rel="tag">'
                f"#<span>{escape(seg.name)}</span></a>"
            )
        elif isinstance(seg, Mention):
            parts.append(
                f'<span class="h-card" translate="no"><a href="{account_url(seg.account, base)}" '
                f'class="u-url mention">@<span>{escape(seg.account.username)}</span></a></span>'
            )
        else:
            parts.append(escape(seg))
    return "<p>" + "".join(parts) + "</p>"


def account_json(world: World, account: Account, base: str) -> dict:
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": account.acct,
        "display_name": account.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": iso_ms(account.created_ms),
        "note": f"<p>{escape(account.note)}</p>" if account.note else "",
        "url": account_url(account, base),
        "uri": f"{base}/ap/users/{account.id}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "avatar_description": "",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "header_description": "",
        "followers_count": world.followers_count(account),
        "following_count": account.following,
        "statuses_count": world.statuses_count(account),
        "last_status_at": _last_status_day(world, account),
        "hide_collections": None,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": [],
    }


def _last_status_day(world: World, account: Account) -> str:
    if account.brand_id is None:
        return (world.today - dt.timedelta(days=account.id % 7)).isoformat()
    day = world.today
    while day >= world.start:
        if world.day(day).by_account.get(account.id):
            return day.isoformat()
        day -= dt.timedelta(days=1)
    return day_of_ms(account.created_ms).isoformat()


def status_json(world: World, status: Status, base: str, signed_in: bool = False) -> dict:
    favourites, reblogs = world.engagement(status)
    parent = status.parent
    out = {
        "id": str(status.id),
        "created_at": iso_ms(status.ms),
        "in_reply_to_id": str(parent.id) if parent else None,
        "in_reply_to_account_id": str(parent.account.id) if parent else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": status.lang,
        "uri": f"{base}/ap/users/{status.account.id}/statuses/{status.id}",
        "url": f"{account_url(status.account, base)}/{status.id}",
        "replies_count": len(world.replies(status)),
        "reblogs_count": reblogs,
        "favourites_count": favourites,
        "quotes_count": 0,
        "edited_at": None,
    }
    if signed_in:  # Mastodon adds the reader's own relationship to the status only for a signed-in reader
        out.update(favourited=False, reblogged=False, muted=False, bookmarked=False)
    out["content"] = content_html(status, base)
    if signed_in:
        out["filtered"] = []
    out.update(
        reblog=None,
        account=account_json(world, status.account, base),
        media_attachments=[],
        mentions=[
            {"id": str(a.id), "username": a.username, "url": account_url(a, base), "acct": a.acct}
            for a in status.mentions
        ],
        tags=[{"name": t, "url": f"{base}/tags/{t}"} for t in status.tags],
        emojis=[],
        quote=None,
        card=None,
        poll=None,
    )
    return out


def tag_json(name: str, base: str) -> dict:
    return {"name": name, "url": f"{base}/tags/{name}", "history": [], "following": False}


def instance_v1(world: World, base: str) -> dict:
    host = urlsplit(base).netloc
    return {
        "uri": host,
        "title": "Sandbox social",
        "short_description": "A simulated community for the social data pipeline's tests.",
        "description": "Deterministic simulated statuses about the configured brands.",
        "email": "",
        "version": VERSION,
        "urls": {"streaming_api": f"ws://{host}"},
        "stats": {
            "user_count": len(world.members) + len(world.brand_accounts),
            "status_count": 0,
            "domain_count": 1,
        },
        "thumbnail": f"{base}/packs/media/images/preview.png",
        "languages": ["fr", "en"],
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": _configuration(),
        "contact_account": None,
        "rules": [],
    }


def instance_v2(world: World, base: str) -> dict:
    host = urlsplit(base).netloc
    return {
        "domain": host,
        "title": "Sandbox social",
        "version": VERSION,
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "Deterministic simulated statuses about the configured brands.",
        "usage": {"users": {"active_month": len(world.members)}},
        "thumbnail": {"url": f"{base}/packs/media/images/preview.png"},
        "languages": ["fr", "en"],
        "configuration": {"urls": {"streaming": f"ws://{host}", "status": None}, **_configuration()},
        "registrations": {"enabled": False, "approval_required": False, "message": None, "url": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": "", "account": None},
        "rules": [],
    }


def _configuration() -> dict:
    return {
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png"],
            "image_size_limit": 16777216,
            "image_matrix_limit": 33177600,
            "video_size_limit": 103809024,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8294400,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2629746,
        },
    }
