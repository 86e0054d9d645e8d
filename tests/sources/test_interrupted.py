"""kill -9 in the middle of a sync loses nothing, and the next sync resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sources_harness import Newsroom

TESTS = Path(__file__).resolve().parents[1]
SRC = TESTS.parent / "src"
RUN_CLI = "import sys, fakes; from askbot.cli import main; sys.argv[0] = 'askbot'; main()"


def askbot_process(newsroom: Newsroom, command: str, **popen: Any) -> subprocess.Popen[str]:
    """``askbot COMMAND`` on the newsroom's index in its own process (so it can be killed)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)]),
        "ASKBOT_FETCH_TIMEOUT": "60",
    }
    argv = [sys.executable, "-c", RUN_CLI, command, "--index", str(newsroom.index)]
    return subprocess.Popen(argv, env=env, text=True, **popen)


def wait_until(child: subprocess.Popen[str], done: Callable[[], bool], every: float) -> None:
    """Until ``done()``, failing if the child ends first or a minute passes."""
    deadline = time.monotonic() + 60
    while not done():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(every)


def test_kill_9_mid_sync_then_resume(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    before = newsroom.articles()
    registry = (newsroom.index / "sources.json").read_bytes()

    # The harbour (synced first) has a new story; the coast's (synced last) new story
    # answers only when released: the sync is killed while stuck fetching it, after the
    # harbour's new page was read but before anything was committed.
    read_first = "/valley/2026/11/school-opens.html"
    new_page = "/coast/2026/11/lighthouse.html"
    release = threading.Event()
    serve_page = newsroom.site.routes[new_page]

    def stuck(request: BaseHTTPRequestHandler) -> None:
        release.wait(30)
        serve_page(request)

    newsroom.site.routes[new_page] = stuck
    newsroom.harbour_rss(
        ["/harbour/2026/11/ports-reopen.html", "/harbour/2026/11/grain-deal.html", read_first]
    )
    newsroom.site.static(
        "/coast/news-sitemap.xml",
        newsroom.feeds.news_sitemap(["/coast/2026/11/ferry-strike.html", new_page]),
        "application/xml",
    )
    child = askbot_process(newsroom, "sync", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(child, lambda: newsroom.site.hits[new_page] > 0, every=0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
    # Killed mid-sync: the index is at its last commit and the sources as they were.
    assert newsroom.articles() == before
    assert (newsroom.index / "sources.json").read_bytes() == registry
    assert not list(newsroom.index.glob(".sources-*"))
    assert newsroom.site.hits[read_first] == 1

    newsroom.site.routes[new_page] = serve_page
    run = newsroom("sync")
    assert run.code == 0, run.text
    after = newsroom.articles()
    assert set(before) < set(after) and len(after) == len(before) + 2
    titles = {a.title for a in after.values()}
    assert {
        "Valley school opens its doors after rebuild",
        "Old lighthouse to become a museum",
    } <= titles


def test_follow_and_unfollow_while_a_sync_runs(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom.follow_outlets()
    release = threading.Event()
    new_page = "/valley/2026/11/school-opens.html"
    serve_page = newsroom.site.routes[new_page]

    def stuck(request: BaseHTTPRequestHandler) -> None:
        release.wait(30)
        serve_page(request)

    newsroom.site.routes[new_page] = stuck
    newsroom.harbour_rss(["/harbour/2026/11/ports-reopen.html", new_page])
    child = askbot_process(newsroom, "sync", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(child, lambda: newsroom.site.hits[new_page] > 0, every=0.05)
        # The sync is under way: sources can still be followed and unfollowed.
        newsroom.site.static(
            "/valley/feed.json",
            newsroom.feeds.json_feed(["/valley/2026/11/rail-line.html"]),
            "application/feed+json",
        )
        assert newsroom("follow", newsroom.url("/valley/feed.json"), "--name", "json").code == 0
        assert newsroom("unfollow", "coast").code == 0
        monkeypatch.setenv("ASKBOT_LOCK_TIMEOUT", "0.5")
        busy = newsroom("sync")
        assert busy.code == 3 and "another askbot is syncing" in busy.err
    finally:
        release.set()
    assert child.wait(60) == 0
    names = [s["name"] for s in json.loads(newsroom("sources", "--json").out)]
    assert names == ["harbour", "valley", "json"]
    assert "Valley school opens its doors after rebuild" in {
        a.title for a in newsroom.articles().values()
    }


def test_ctrl_c_stops_watch_cleanly(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    child = askbot_process(newsroom, "watch", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(child, lambda: len(newsroom.articles()) >= 5, every=0.2)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "stopped: the index is at its last commit" in err and "Traceback" not in err
    assert "watching 3 sources" in out
