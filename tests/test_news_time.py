"""News and time: questions prefer the period they name, stale answers say so, timelines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from askbot.cli import app
from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

ASKED = date(2023, 1, 5)
THIS_WEEK = Article(
    id="this-week",
    text="Hamlin of the Bills is in critical condition after his cardiac arrest.",
    source="A",
    published=date(2023, 1, 3),
)
# One more of the question's words: without time words it leads.
OLD = Article(
    id="old",
    text="Hamlin of the Bills is in critical condition after his cardiac arrest, doctors said.",
    source="B",
    published=date(2022, 6, 1),
)
UNDATED = Article(
    id="undated",
    text="Hamlin of the Bills is in critical condition after his cardiac arrest on Monday.",
    source="C",
)
QUESTION = "Hamlin Bills critical condition cardiac arrest doctors"


def _bot(tmp_path: Path, **settings: object) -> AskBot:
    # The weight is the mechanism's, not the default's: the default is measured on
    # RealTimeQA (benchmarks/bench_news.py).
    values: dict[str, object] = {"min_confidence": 0.0, "recency_weight": 1.0, **settings}
    bot = AskBot.open(
        Settings(index=tmp_path / "i", **values),  # type: ignore[arg-type]
        HashingEmbedder(),
        create=True,
    )
    bot.ingest_articles([THIS_WEEK, OLD, UNDATED])
    return bot


def _ranking(bot: AskBot, question: str) -> list[str]:
    return [p.article_id for p in bot.retrieve(question, as_of=ASKED)]


def test_a_named_period_lifts_its_reporting_without_filtering_anything(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    assert _ranking(bot, QUESTION)[0] == "old"
    assert bot.ask(QUESTION, as_of=ASKED).excerpts[0].article_id == "old"
    timed = bot.ask(QUESTION + " this week", k=3, as_of=ASKED)
    assert _ranking(bot, QUESTION + " this week")[0] == "this-week"
    assert timed.excerpts[0].article_id == "this-week"  # the quote follows the ranking
    assert set(_ranking(bot, QUESTION + " this week")) == {"this-week", "old", "undated"}
    f = timed.filters
    assert (f.prefer_since, f.prefer_until, f.time_words) == (
        date(2022, 12, 30),
        ASKED,
        ("this week",),
    )


def test_undated_articles_are_neither_favoured_nor_punished(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    # BM25 alone: no sentence re-ranking after the time preference to rescale scores.
    plain = bot.retrieve(QUESTION, "bm25", as_of=ASKED)
    timed = bot.retrieve(QUESTION + " this week", "bm25", as_of=ASKED)
    top = lambda hits: max(p.score for p in hits)  # noqa: E731
    share = {p.article_id: p.score / top(plain) for p in plain}
    moved = {p.article_id: p.score for p in timed}
    # Dated passages move up or down by the same amount; the undated one by nothing.
    up, down = moved["this-week"] - share["this-week"], moved["old"] - share["old"]
    assert up > 0 > down and abs(up + down) < 1e-6
    assert abs(moved["undated"] - share["undated"]) < 1e-6


def test_the_choice_of_how_time_enters_ranking_is_a_setting(tmp_path: Path) -> None:
    ignored = _bot(tmp_path / "ignore", time_words="ignore")
    assert _ranking(ignored, QUESTION + " this week")[0] == "old"
    hard = _bot(tmp_path / "filter", time_words="filter")
    assert _ranking(hard, QUESTION + " this week") == ["this-week"]


def test_a_question_about_now_answered_from_old_reporting_says_how_old(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    answer = bot.ask("Is Hamlin of the Bills still in critical condition?", as_of=date(2023, 6, 1))
    assert answer.excerpts[0].article_id == "this-week"  # the newest reporting first
    assert any("the newest of these reports is from 2023-01-03" in w for w in answer.warnings)
    fresh = bot.ask("Is Hamlin of the Bills still in critical condition?", as_of=ASKED)
    assert not any("newest of these reports" in w for w in fresh.warnings)
    plain = bot.ask("Hamlin Bills critical condition", as_of=date(2023, 6, 1))
    assert not any("newest of these reports" in w for w in plain.warnings)  # not about now


def test_a_timeline_orders_one_excerpt_per_article_by_date(tmp_path: Path) -> None:
    bot = AskBot.open(
        Settings(index=tmp_path / "i", min_confidence=0.0), HashingEmbedder(), create=True
    )
    bot.ingest_articles(
        [
            Article(
                id="later",
                text="Port talks resumed in Odesa and ships left.",
                published=date(2022, 8, 1),
            ),
            Article(
                id="first",
                text="Port talks began in Odesa; ships stayed.",
                published=date(2022, 7, 1),
            ),
            Article(id="plain", text="Analysts said the Odesa port talks matter."),
            Article(
                id="twice",
                text="Odesa port talks stalled. Later the Odesa port talks stalled again.",
                published=date(2022, 7, 15),
            ),
        ]
    )
    answer = bot.ask("Odesa port talks", timeline=True)
    assert answer.timeline
    assert [e.article_id for e in answer.excerpts] == ["first", "twice", "later", "plain"]
    shown = CliRunner().invoke(
        app,
        ["ask", "Odesa port talks", "--timeline", "--index", str(tmp_path / "i")],
        env={"ASKBOT_MIN_CONFIDENCE": "0"},
    )
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.stdout.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert lines == ["1. 2022-07-01", "2. 2022-07-15", "3. 2022-08-01", "4. undated"]


def test_dates_that_are_not_dates_leave_the_article_undated_with_a_notice(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(
        "\n".join(
            json.dumps({"id": f"d{n}", "text": f"Story {n}.", "published": value})
            for n, value in enumerate(["N/A", "2022-02-30", "2031-01-01", "2023", "March 1, 2024"])
        )
    )
    bot = AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True)
    report = bot.ingest_paths([tmp_path / "in.jsonl"])
    notes = [n.message for n in report.notices]
    assert notes[:2] == [
        "date 'N/A' not understood, left undated",
        "date '2022-02-30' is not a real date, left undated",
    ]
    assert "date '2031-01-01' is in the future" in notes[2]
    assert notes[3] == "date '2023' is only a year, not a date, left undated"
    assert [bot.article(f"d{n}").published for n in range(5)] == [None] * 4 + [date(2024, 3, 1)]  # type: ignore[union-attr]


def test_as_of_on_the_command_line_is_checked(tmp_path: Path) -> None:
    _bot(tmp_path).close()
    bad = CliRunner().invoke(
        app, ["ask", "Hamlin", "--as-of", "someday", "--index", str(tmp_path / "i")]
    )
    assert bad.exit_code == 2 and "--as-of 'someday' is not a date" in bad.stderr
    ok = CliRunner().invoke(
        app,
        ["ask", "Hamlin Bills", "--as-of", "2022-12-31", "--json", "--index", str(tmp_path / "i")],
        env={"ASKBOT_MIN_CONFIDENCE": "0"},
    )
    data = json.loads(ok.stdout)
    assert data["filters"]["published_by"] == "2022-12-31"
    assert "this-week" not in {e["article_id"] for e in data["excerpts"]}  # published after
