"""The engine's answers on the fake embedder: verbatim offsets, filters, abstention."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askbot.models import Answer, Article
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

VOCABULARY = [
    "Lavrov",
    "war",
    "Russia",
    "troops",
    "border",
    "NATO",
    "Ukraine",
    "Blinken",
    "sanctions",
    "panic",
    "Zelensky",
    "Kremlin",
    "invasion",
    "Putin",
    "said",
    "Friday",
    "130,000",
    "radio",
    "Reuters",
    "economy",
    "Crimea",
    "Macron",
    "guarantees",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8), k=st.integers(1, 6))
def test_every_excerpt_is_the_article_text_at_its_offsets(
    answering_bot: AskBot, words: list[str], k: int
) -> None:
    answer = answering_bot.ask(" ".join(words), k=k)
    # Every word is in the sample articles: there is always something to check.
    assert 1 <= len(answer.excerpts) <= k
    for excerpt in answer.excerpts:
        article = answering_bot.article(excerpt.article_id)
        assert article is not None
        assert article.text[excerpt.start : excerpt.end] == excerpt.text
        for other in excerpt.also_in:
            other_article = answering_bot.article(other.article_id)
            assert other_article is not None and other.end > other.start
            assert other_article.text[other.start : other.end].strip()
        regions = [(e.article_id, e.start, e.end) for e in answer.excerpts]
        for a in regions:
            for b in regions:
                if a is not b and a[0] == b[0]:
                    assert a[2] <= b[1] or b[2] <= a[1], "excerpts overlap"


def test_boilerplate_is_never_quoted(answering_bot: AskBot) -> None:
    raw = "\n".join(p.read_text() for p in sorted(sample_dir().glob("*.txt")))
    assert "Sign up" in raw and "submitting this form" in raw  # the furniture is there
    answer = answering_bot.ask(
        "sign up to receive our latest news submitting form agree terms", k=10
    )
    assert answer.excerpts  # asked for it by its own words, and still not quoted
    assert all(
        "Sign up" not in e.text and "submitting this form" not in e.text for e in answer.excerpts
    )


def test_answer_json_has_the_public_fields(fake_bot: AskBot) -> None:
    data = json.loads(fake_bot.ask("Lavrov war").model_dump_json())
    assert {"question", "answered", "excerpts", "timings"} <= data.keys()
    for excerpt in data["excerpts"]:
        assert {
            "text",
            "article_id",
            "title",
            "source",
            "published",
            "url",
            "start",
            "end",
            "score",
        } <= excerpt.keys()
    assert Answer.model_validate(data).question == "Lavrov war"


def bot_with(tmp_path: Path, *articles: Article) -> AskBot:
    bot = AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True)
    bot.ingest_articles(list(articles))
    return bot


def test_filters_restrict_outlet_and_dates(tmp_path: Path) -> None:
    bot = bot_with(
        tmp_path,
        Article(
            id="r",
            text="Troops massed at the border.",
            source="Reuters",
            published=date(2022, 1, 20),
        ),
        Article(
            id="b",
            text="Troops massed at the border again.",
            source="BBC",
            published=date(2022, 2, 5),
        ),
    )
    assert {e.article_id for e in bot.ask("outlet:reuters troops border").excerpts} == {"r"}
    assert {e.article_id for e in bot.ask("since:2022-02-01 troops border").excerpts} == {"b"}
    nothing = bot.ask("until:2021-01-01 troops border")
    assert not nothing.answered and nothing.reason
    assert nothing.filters.until == date(2021, 1, 1)


def test_no_matching_words_abstains(fake_bot: AskBot) -> None:
    answer = fake_bot.ask("quantum chromodynamics lattice gauge")
    assert not answer.answered and answer.excerpts == ()
    assert answer.reason


def test_huge_question_is_truncated_not_failed(fake_bot: AskBot) -> None:
    answer = fake_bot.ask("Lavrov war " * 10_000)
    assert answer.warnings and len(answer.question) <= 1000


def test_what_someone_said_is_answered_with_their_quote_first(tmp_path: Path) -> None:
    bot = bot_with(
        tmp_path,
        Article(
            id="grain",
            title="Envoy warns over grain",
            text=(
                "Envoy Ivanov said Moscow opposes sanctions on grain exports.\n\n"
                "“Sanctions on grain exports will hurt the poorest nations first,” Ivanov said."
            ),
        ),
    )
    paraphrase, quote = "Envoy Ivanov said Moscow", "“Sanctions on grain"
    # Both sentences hold the same keywords in the same passage: without the question
    # asking what was said, the first sentence stays first.
    plain = bot.ask("Ivanov grain exports sanctions")
    assert plain.excerpts[0].text.startswith(paraphrase)
    speech = bot.ask("What did Ivanov say about grain exports sanctions?")
    assert speech.excerpts[0].text.startswith(quote)
    assert {e.text[:24] for e in speech.excerpts} == {e.text[:24] for e in plain.excerpts}


def test_answers_are_not_padded_with_text_that_does_not_bear_on_the_question(
    tmp_path: Path,
) -> None:
    bot = bot_with(
        tmp_path,
        Article(
            id="troops",
            title="Troops gather",
            text="Troops massed near the border on Friday, officials said. "
            "The troops arrived by train from the east.",
        ),
        Article(id="weather", text="The weather in Lisbon was mild and sunny all week."),
        Article(id="menu", text="Home | World | Sport | Contact us | Subscribe"),
    )
    answer = bot.ask("How many troops massed near the border?", k=3)
    assert answer.answered and answer.excerpts
    assert {e.article_id for e in answer.excerpts} == {"troops"}


def test_a_quotation_is_shown_with_the_sentence_that_says_who_spoke(tmp_path: Path) -> None:
    bot = bot_with(
        tmp_path,
        Article(
            id="speech",
            text="Foreign Minister Sergey Lavrov spoke in Moscow.\n\n"
            "“We don't want wars,” Lavrov said. “But we won't allow our interests "
            "to be rudely trampled on and ignored.”\n\nTalks resume next week.",
        ),
    )
    answer = bot.ask("interests trampled ignored", k=1)
    assert answer.excerpts[0].text.startswith("“We don't want wars,” Lavrov said.")
    assert answer.excerpts[0].text.endswith("ignored.”")
