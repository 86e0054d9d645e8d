"""follow, sources, sync, watch and unfollow on a Milvus index (a Lite file and a Lite
server), against the local newsroom: the registry lives in the index's meta collection,
is replaced whole, records only what the index committed, and one sync runs at a time
(a lease that a holder killed with SIGKILL gives up when it expires)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sources_harness import Newsroom
from test_interrupted import askbot_process, wait_until

from askbot.cli import app
from askbot.errors import IndexBusyError
from askbot.index import create_index, open_index
from askbot.index.milvus import MilvusIndex
from askbot.index.milvus.meta import MetaRows
from askbot.settings import Settings
from askbot.sources.registry import open_store
from milvus_server import milvus_server, milvus_url
from test_index_contract import spec

__all__ = ["milvus_server"]

pytest.importorskip("pymilvus")

TESTS = Path(__file__).resolve().parents[1]
SRC = TESTS.parent / "src"


@pytest.fixture(params=["milvus-lite-file", "milvus-server"])
def milvus_newsroom(request: pytest.FixtureRequest, newsroom: Newsroom, tmp_path: Path) -> Newsroom:
    if request.param == "milvus-lite-file":
        index = str(tmp_path / "news.db")
    else:
        index = milvus_url(request.getfixturevalue("milvus_server"))
    return Newsroom(newsroom.site, tmp_path, index)


@pytest.fixture
def server_newsroom(newsroom: Newsroom, tmp_path: Path, milvus_server: str) -> Newsroom:
    return Newsroom(newsroom.site, tmp_path, milvus_url(milvus_server))


def registry_json(newsroom: Newsroom) -> str | None:
    with open_store(Settings(index=newsroom.index)) as store:  # type: ignore[call-arg]
        return store.read()


def test_follow_sync_sources_unfollow(milvus_newsroom: Newsroom) -> None:
    newsroom = milvus_newsroom
    newsroom.follow_outlets()
    assert not (newsroom.root / "idx").exists()  # nothing went to a folder
    run = newsroom("sync")
    assert run.code == 0, run.text
    assert len(newsroom.articles()) == 5
    listed = json.loads(newsroom("sources", "--json").out)
    assert [(s["name"], s["kind"], s["articles"]) for s in listed] == [
        ("harbour", "rss", 2),
        ("valley", "atom", 2),
        ("coast", "news-sitemap", 2),
    ]
    assert all(s["last_sync"] and s["last_error"] is None for s in listed)
    # The validators were recorded: a second sync sends one conditional request each.
    newsroom.site.hits.clear()
    again = newsroom("sync")
    assert again.code == 0 and "3 requests" in again.out, again.text
    assert dict(newsroom.site.hits) == {
        "/harbour/feed.xml": 1,
        "/valley/atom.xml": 1,
        "/coast/news-sitemap.xml": 1,
    }
    assert newsroom("unfollow", "coast").code == 0
    assert [s["name"] for s in json.loads(newsroom("sources", "--json").out)] == [
        "harbour",
        "valley",
    ]
    missing = newsroom("unfollow", "coast")
    assert missing.code == 6 and "no source named 'coast'" in missing.err


def test_watch_syncs_and_stops_cleanly(server_newsroom: Newsroom) -> None:
    newsroom = server_newsroom
    newsroom.follow_outlets()
    child = askbot_process(newsroom, "watch", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(child, lambda: len(newsroom.articles()) >= 5, every=0.5)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "watching 3 sources" in out and "Traceback" not in err


def test_kill_9_mid_sync_then_resume_after_the_lease(
    server_newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom = server_newsroom
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    before = newsroom.articles()
    registry = registry_json(newsroom)
    read_first = "/valley/2026/11/school-opens.html"
    new_page = "/coast/2026/11/lighthouse.html"
    release = threading.Event()
    serve_page = newsroom.site.routes[new_page]

    def stuck(request: BaseHTTPRequestHandler) -> None:
        release.wait(60)
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
    lease = 4.0
    monkeypatch.setenv("ASKBOT_MILVUS_LEASE", str(lease))
    child = askbot_process(newsroom, "sync", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(child, lambda: newsroom.site.hits[new_page] > 0, every=0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        killed = time.monotonic()
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
    assert newsroom.articles() == before
    assert registry_json(newsroom) == registry
    # The dead holder's lease still stands, and says when it ends...
    monkeypatch.setenv("ASKBOT_LOCK_TIMEOUT", "0")
    busy = newsroom("sync")
    assert busy.code == 3 and "another askbot is syncing" in busy.err, busy.text
    assert "if it died, its lease ends in" in busy.err
    # ...and once it has, the next sync resumes where the killed one left off.
    monkeypatch.setenv("ASKBOT_LOCK_TIMEOUT", "30")
    newsroom.site.routes[new_page] = serve_page
    run = newsroom("sync")
    waited = time.monotonic() - killed
    assert run.code == 0, run.text
    assert waited < lease + 20
    after = newsroom.articles()
    assert set(before) < set(after) and len(after) == len(before) + 2


def test_follow_and_unfollow_while_another_process_syncs(
    server_newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom = server_newsroom
    newsroom.follow_outlets()
    release = threading.Event()
    new_page = "/valley/2026/11/school-opens.html"
    serve_page = newsroom.site.routes[new_page]

    def stuck(request: BaseHTTPRequestHandler) -> None:
        release.wait(60)
        serve_page(request)

    newsroom.site.routes[new_page] = stuck
    newsroom.harbour_rss(["/harbour/2026/11/ports-reopen.html", new_page])
    child = askbot_process(newsroom, "sync", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(child, lambda: newsroom.site.hits[new_page] > 0, every=0.05)
        newsroom.site.static(
            "/valley/feed.json",
            newsroom.feeds.json_feed(["/valley/2026/11/rail-line.html"]),
            "application/feed+json",
        )
        assert newsroom("follow", newsroom.url("/valley/feed.json"), "--name", "json").code == 0
        assert newsroom("unfollow", "coast").code == 0
        monkeypatch.setenv("ASKBOT_LOCK_TIMEOUT", "0.5")
        busy = newsroom("sync")
        assert busy.code == 3 and "another askbot is syncing" in busy.err, busy.text
    finally:
        release.set()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    # The sync's result was merged into the sources as they were when it ended.
    names = [s["name"] for s in json.loads(newsroom("sources", "--json").out)]
    assert names == ["harbour", "valley", "json"]
    assert "Valley school opens its doors after rebuild" in {
        a.title for a in newsroom.articles().values()
    }


@pytest.fixture
def meta(milvus_server: str, tmp_path: Path) -> Iterator[tuple[str, MetaRows]]:
    """The meta rows of a fresh index on the server (and its location, to open more)."""
    location = milvus_url(milvus_server)
    with create_index(location, spec()) as index:
        assert isinstance(index, MilvusIndex)
        yield location, index.meta_rows()


def test_a_document_is_read_whole_while_it_is_replaced(meta: tuple[str, MetaRows]) -> None:
    location, rows = meta
    # 13 chunks each (16,000 characters a chunk), so more than one upsert request, and
    # different in every chunk.
    versions = [("".join(chr(97 + (i + n) % 26) for i in range(200_000))) for n in range(3)]
    rows.write("doc", versions[0])
    stop = threading.Event()

    def replace() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            rows.write("doc", versions[n % 3])

    writer = threading.Thread(target=replace)
    writer.start()
    reader = open_index(location)
    assert isinstance(reader, MilvusIndex)
    try:
        seen = set()
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline or len(seen) < 2:
            text = reader.meta_rows().read("doc")
            assert text in versions
            seen.add(text)
    finally:
        stop.set()
        writer.join()
        reader.close()
    left = rows._rows('key like "doc@%"')  # the orphan chunks were cleared
    assert len(left) == 13


def test_a_lease_is_held_by_one_process_at_a_time(meta: tuple[str, MetaRows]) -> None:
    """Three processes, each taking the lease five times: no two ever hold it at once."""
    location, _ = meta
    script = (
        "import sys, time, json\n"
        "from askbot.index import open_index\n"
        "index = open_index(sys.argv[1])\n"
        "rows = index.meta_rows()\n"
        "for _ in range(5):\n"
        "    with rows.lease('test', 30, 60, 'busy'):\n"
        "        start = time.time_ns(); time.sleep(0.05); end = time.time_ns()\n"
        "    print(json.dumps([start, end]), flush=True)\n"
        "index.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, location], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    spans = []
    for child in children:
        out, _ = child.communicate(timeout=180)
        assert child.returncode == 0
        spans += [tuple(json.loads(line)) for line in out.splitlines()]
    assert len(spans) == 15
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "two processes held the lease at once"


def test_a_held_lease_is_busy_and_a_dead_holders_expires(meta: tuple[str, MetaRows]) -> None:
    location, rows = meta
    other = open_index(location)
    assert isinstance(other, MilvusIndex)
    try:
        busy = pytest.raises(IndexBusyError, match=r"another holds it \(held by .* pid")
        with (
            rows.lease("held", 30, 0, "held"),
            busy,
            other.meta_rows().lease("held", 30, 0.3, "another holds it"),
        ):
            pass
        # Released: taken at once.
        with other.meta_rows().lease("held", 30, 0, "free"):
            pass
        # A holder that died: its claim stays until it expires, then is ignored.
        rows._upsert(  # what a killed holder leaves behind
            [
                {
                    "key": "lease:held:dead",
                    "value": json.dumps({"expires": time.time_ns() + 10**9, "host": "h", "pid": 1}),
                }
            ]
        )
        with (
            pytest.raises(IndexBusyError),
            other.meta_rows().lease("held", 30, 0, "dead one holds it"),
        ):
            pass
        time.sleep(1.1)
        with other.meta_rows().lease("held", 30, 0, "expired"):
            pass
    finally:
        other.close()


def test_the_folder_path_never_imports_the_milvus_client(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    script = (
        "import sys, fakes\n"
        "from askbot.cli import app\n"
        "index = sys.argv[1]\n"
        "for command in (['sources'], ['sync'], ['unfollow', 'coast']):\n"
        "    sys.argv = ['askbot', *command, '--index', index]\n"
        "    try:\n"
        "        app()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('pymilvus', 'milvus_lite', 'grpc')\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    run = subprocess.run(
        [sys.executable, "-c", script, str(newsroom.index)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LOADED []" in run.stdout, run.stdout + run.stderr
    assert len(newsroom.articles()) == 5  # the sync did run


def test_migrate_takes_the_followed_sources_along(newsroom: Newsroom, tmp_path: Path) -> None:
    """A folder index moved to Milvus keeps its sources and what they have seen: the
    first sync on the copy sends one conditional request per source."""
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    target = str(tmp_path / "moved.db")
    run = newsroom.runner.invoke(app, ["migrate", str(newsroom.index), target, "--sample", "1"])
    assert run.exit_code == 0 and "3 followed sources copied" in run.stdout, run.output
    moved = Newsroom(newsroom.site, tmp_path, target)
    listed = json.loads(moved("sources", "--json").out)
    assert [(s["name"], s["articles"]) for s in listed] == [
        ("harbour", 2),
        ("valley", 2),
        ("coast", 2),
    ]
    newsroom.site.hits.clear()
    again = moved("sync")
    assert again.code == 0 and "3 requests" in again.out, again.text
