"""Debian's chromium as the tests drive it (Playwright, no browser download): one place for the path and flags."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Flags that work on this kind of machine (no GPU, no sandboxing, no network beyond loopback).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
