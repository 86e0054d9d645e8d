"""One story, many outlets: copies grouped at ingest, shown once, counted as hits."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from rich.console import Console

from askbot.evaluate.metrics import summarize
from askbot.evaluate.questions import Outcome, Question
from askbot.models import Article
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from askbot.slack.blocks import answer_message
from askbot.terminal import render_answer
from fakes import HashingEmbedder

LAVROV = (sample_dir() / "000_82e5f7c5c58a7ce4.txt").read_text()
# Another outlet's own report on the same day and topic, sharing one quote: not a copy.
BUSINESS_INSIDER = (sample_dir() / "003_37d6d66e19b10c03.txt").read_text()


def wire(text: str) -> str:
    """An outlet's rerun of a wire story: its boilerplate on top, the tail trimmed, and
    two sentences of the body swapped."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    kept = paragraphs[: max(3, int(len(paragraphs) * 0.75))]
    kept[1], kept[2] = kept[2], kept[1]
    return "MOSCOW (Wire) — Reporting from our correspondents.\n\n" + "\n\n".join(kept)


def article(article_id: str, text: str, source: str, day: int, title: str) -> Article:
    return Article(
        id=article_id,
        text=text,
        source=source,
        title=title,
        published=date(2022, 1, day),
        url=f"https://{source.lower().replace(' ', '')}.example/{article_id}",
    )


ORIGINAL = article("reuters-lavrov", LAVROV, "Reuters", 28, "Lavrov: Russia does not want war")
COPY = article("times-lavrov", wire(LAVROV), "Moscow Times", 29, "Russia 'won't start a war'")
THIRD = article("daily-lavrov", wire(LAVROV), "Daily Planet", 30, "No war, says Lavrov")
OTHER = article("bi-lavrov", BUSINESS_INSIDER, "Business Insider", 28, "Russia's top diplomat")


def open_bot(path: Path, *articles: Article) -> AskBot:
    bot = AskBot.open(Settings(index=path, min_confidence=0.0), HashingEmbedder(), create=True)
    if articles:
        bot.ingest_articles(list(articles))
    return bot


def story_of(bot: AskBot, article_id: str) -> tuple[str, list[str]]:
    with bot.index.snapshot() as snap:
        story, members = snap.stories([article_id])[article_id]
    return story, [m.article_id for m in members]


def test_a_syndicated_copy_joins_the_original_s_story(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, COPY) as bot:
        story, members = story_of(bot, COPY.id)
        assert story == ORIGINAL.id  # the earliest article names the story
        assert members == [ORIGINAL.id, COPY.id]


def test_two_reports_on_one_topic_sharing_a_quote_stay_apart(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, OTHER) as bot:
        assert story_of(bot, ORIGINAL.id) == (ORIGINAL.id, [ORIGINAL.id])
        assert story_of(bot, OTHER.id) == (OTHER.id, [OTHER.id])


def test_shared_boilerplate_does_not_make_a_story(tmp_path: Path) -> None:
    """Pages that share a long block of site text (a live blog's sidebar) but lead with
    their own stories are different stories."""
    block = "\n\n" + " ".join(BUSINESS_INSIDER.split()[:300])
    own = " ".join(LAVROV.split()[:100])  # each page leads with its own story
    first = article("a-page", "The cup final went to extra time. " * 15 + block, "X", 1, "A")
    second = article("b-page", own + block, "X", 2, "B")
    with open_bot(tmp_path / "index", first, second) as bot:
        assert story_of(bot, "a-page")[1] == ["a-page"]


def test_a_later_ingest_groups_new_copies_with_old_articles(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, OTHER):
        pass
    with open_bot(tmp_path / "index") as bot:  # reopened: what it knows came from disk
        report = bot.ingest_articles([COPY])
        assert report.added == 1 and report.stories_seconds > 0
        assert story_of(bot, COPY.id) == (ORIGINAL.id, [ORIGINAL.id, COPY.id])


def test_removing_the_first_article_renames_the_story_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, COPY, THIRD) as bot:
        assert story_of(bot, THIRD.id)[0] == ORIGINAL.id
        bot.remove([ORIGINAL.id])
        assert story_of(bot, THIRD.id) == (COPY.id, [COPY.id, THIRD.id])


def test_changing_an_article_moves_it_out_of_its_story(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, COPY) as bot:
        rewritten = COPY.model_copy(update={"text": BUSINESS_INSIDER})
        bot.ingest_articles([rewritten])
        assert story_of(bot, COPY.id) == (COPY.id, [COPY.id])
        assert story_of(bot, ORIGINAL.id) == (ORIGINAL.id, [ORIGINAL.id])


def test_an_answer_shows_a_story_once_reported_by_two_outlets(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, COPY, OTHER) as bot:
        answer = bot.ask("What did Lavrov tell Russian radio about NATO security interests?", k=3)
    assert answer.answered
    story = [e for e in answer.excerpts if e.article_id in {ORIGINAL.id, COPY.id}]
    assert len(story) == 1, [e.article_id for e in answer.excerpts]
    shown = story[0]
    assert shown.story == ORIGINAL.id
    assert [c.article_id for c in shown.copies] == [
        i for i in (ORIGINAL.id, COPY.id) if i != shown.article_id
    ]
    copy = shown.copies[0]
    assert copy.end > copy.start  # a place in the copy (its words, or the whole article)
    console = Console(width=200, record=True)
    console.print(render_answer(answer))
    text = console.export_text()
    assert "reported by 2 outlets: " in text
    assert "Reuters" in text and "Moscow Times" in text
    blocks = str(answer_message(answer).blocks)
    assert re.search(r"reported by 2 outlets: (Reuters|Moscow Times)", blocks)


def test_the_same_quote_in_another_story_is_still_also_in(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, OTHER) as bot:
        answer = bot.ask("If it depends on Russia, then there will be no war", k=3)
    quoted = [e for e in answer.excerpts if "no war" in e.text]
    assert quoted and any(c.article_id in {ORIGINAL.id, OTHER.id} for c in quoted[0].also_in)
    assert not quoted[0].copies


def test_evaluation_counts_a_copy_of_the_gold_article_as_a_hit(tmp_path: Path) -> None:
    with open_bot(tmp_path / "index", ORIGINAL, COPY, OTHER) as bot:
        copies = bot.story_copies([ORIGINAL.id])
    assert copies == {COPY.id: ORIGINAL.id}
    question = Question(id="q1", question="What did Lavrov say?", relevance={ORIGINAL.id: 1})
    outcome = Outcome(
        question=question,
        answered=True,
        confidence=1.0,
        ranking=(COPY.id, OTHER.id),
        cited=(),
        latency_ms=1.0,
        copies=copies,
    )
    metrics, counts = summarize([outcome])
    assert metrics["recall@1"] == 1.0 and metrics["mrr@10"] == 1.0
    assert counts["copy_hits@10"] == 1
    plain, plain_counts = summarize([outcome.model_copy(update={"copies": {}})])
    assert plain["recall@1"] == 0.0 and "copy_hits@10" not in plain_counts


def test_a_rewritten_copy_takes_no_second_slot(tmp_path: Path) -> None:
    """Copies whose words differ (no ``also_in`` merge) still show the story once."""
    first = ORIGINAL.model_copy(
        update={
            "text": LAVROV + "\n\nBlinken and Lavrov will meet in Geneva next week, officials said."
        }
    )
    rewrite = COPY.model_copy(
        update={
            "text": COPY.text
            + "\n\nTalks between Blinken and Lavrov are expected in Geneva soon, diplomats say."
        }
    )
    with open_bot(tmp_path / "index", first, rewrite, OTHER) as bot:
        answer = bot.ask("Will Blinken and Lavrov meet in Geneva?", k=3)
    articles = {e.article_id for e in answer.excerpts}
    assert len(articles & {ORIGINAL.id, COPY.id}) == 1, [e.text for e in answer.excerpts]
    assert all(e.story == ORIGINAL.id and len(e.copies) == 1 for e in answer.excerpts)


def test_a_story_of_many_copies_lists_its_first_articles_and_says_there_are_more(
    tmp_path: Path,
) -> None:
    from askbot.index.base import STORY_MEMBERS

    copies = [
        article(f"copy-{n:03d}", wire(LAVROV), f"Outlet {n}", 1 + n % 28, f"Copy {n}")
        for n in range(STORY_MEMBERS + 10)
    ]
    with open_bot(tmp_path / "index", ORIGINAL, *copies) as bot:
        with bot.index.snapshot() as snap:
            _, members = snap.stories([ORIGINAL.id])[ORIGINAL.id]
        answer = bot.ask("What did Lavrov tell Russian radio about NATO security interests?")
    assert len(members) == STORY_MEMBERS  # of 61: the oldest first
    dates = [m.published for m in members]
    assert dates == sorted(dates)
    shown = next(e for e in answer.excerpts if e.copies)
    assert STORY_MEMBERS - 1 <= len(shown.copies) <= STORY_MEMBERS  # itself may be one
    console = Console(width=300, record=True)
    console.print(render_answer(answer))
    assert re.search(r"reported by \d+\+ outlets", console.export_text())
