"""Any JSON value, of any shape, as an article record or a question line: ingest and eval
never raise, and every line is either used or skipped with its location and reason."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askbot.evaluate.loaders import load_jsonl
from askbot.models import Skipped
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

FIELDS = [
    "id",
    "title",
    "text",
    "url",
    "source",
    "published",
    "authors",
    "author",
    "headline",
    "body",
    "content",
    "date",
    "outlet",
    "question",
    "answers",
    "article_ids",
    "relevance",
    "answerable",
    "asked_at",
    "vote",
    "extra",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["2022-01-28", "N/A", "", "up", "down"])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
RECORDS = st.lists(
    VALUES | st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8), min_size=1, max_size=6
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _lines(records: list[object]) -> str:
    return "\n".join(json.dumps(r) for r in records) + "\n"


@FUZZ
@given(records=RECORDS)
def test_ingest_never_raises_and_accounts_for_every_line(
    tmp_path: Path, records: list[object]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "a.jsonl").write_text(_lines(records))
    (folder / "b.json").write_text(json.dumps(records))
    bot = AskBot.open(Settings(index=folder / "index"), HashingEmbedder(), create=True)
    report = bot.ingest_paths([folder / "a.jsonl", folder / "b.json"])
    # Every record is ingested (possibly as a repeat of an earlier one) or skipped.
    assert report.added + report.updated + report.unchanged + len(report.skipped) >= len(records)
    assert all(s.location.startswith(str(folder)) and s.reason for s in report.skipped)
    assert bot.describe().articles == report.added
    bot.close()


@FUZZ
@given(records=RECORDS)
def test_question_sets_never_raise_and_account_for_every_line(
    tmp_path: Path, records: list[object]
) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "q.jsonl"
    path.write_text(_lines(records))
    loaded = load_jsonl(path)
    assert len(loaded.questions) + len(loaded.skipped) == len(records)
    assert all(isinstance(s, Skipped) and s.reason for s in loaded.skipped)
    assert all(q.question.strip() for q in loaded.questions)
