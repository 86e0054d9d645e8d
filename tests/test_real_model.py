"""The engine with the real all-MiniLM-L6-v2 model on the shipped sample corpus."""

from __future__ import annotations

import pytest

from askbot.service import AskBot

pytestmark = pytest.mark.model

SEEDS = {"000_82e5f7c5c58a7ce4", "003_37d6d66e19b10c03"}


def test_lavrov_quote_is_found_and_cites_both_outlets(real_bot: AskBot) -> None:
    answer = real_bot.ask("What did Lavrov say about war?")
    assert answer.answered
    quote = [
        e for e in answer.excerpts if "If it depends on Russia, then there will be no war" in e.text
    ]
    assert quote, [e.text for e in answer.excerpts]
    # The question asks what he said: his own words come before any paraphrase of them.
    assert answer.excerpts[0] is quote[0]
    cited = {e.article_id for e in answer.excerpts} | {
        c.article_id for e in answer.excerpts for c in e.also_in
    }
    assert cited == SEEDS
    for excerpt in answer.excerpts:
        article = real_bot.article(excerpt.article_id)
        assert article is not None and article.text[excerpt.start : excerpt.end] == excerpt.text


def test_troop_figures_from_the_articles(real_bot: AskBot) -> None:
    answer = real_bot.ask("How many Russian troops are near Ukraine's border?", k=3)
    texts = " ".join(e.text for e in answer.excerpts)
    assert "130,000" in texts and "100,000" in texts


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2018 FIFA World Cup?",
        "What is the boiling point of ethanol?",
        "How do I bake sourdough bread?",
    ],
)
def test_off_topic_questions_are_declined(real_bot: AskBot, question: str) -> None:
    answer = real_bot.ask(question)
    assert not answer.answered and answer.excerpts == ()
    assert "do not answer" in (answer.reason or "")
