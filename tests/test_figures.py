"""Figures that disagree across excerpts: found, located verbatim, and not invented."""

from __future__ import annotations

from datetime import date

import pytest

from askbot.models import Excerpt
from askbot.news import describe, discrepancies, figures
from askbot.service import AskBot


def excerpt(
    text: str,
    article: str = "a",
    start: int = 0,
    source: str | None = None,
    published: date | None = None,
) -> Excerpt:
    return Excerpt(
        article_id=article,
        text=text,
        start=start,
        end=start + len(text),
        score=1.0,
        source=source,
        published=published,
    )


def test_counts_are_found_and_located_by_offsets() -> None:
    article = "Intro. Russia has deployed about 100,000 troops and 2.5 million rounds."
    start = article.index("Russia")
    found = figures(excerpt(article[start:], start=start), 1)
    assert [(f.text, f.value, f.subject) for f in found] == [
        ("100,000 troops", 100_000, "troops"),
        ("2.5 million rounds", 2_500_000, "rounds"),
    ]
    for figure in found:
        assert article[figure.start : figure.end] == figure.text


@pytest.mark.parametrize(
    "text",
    [
        "In 2014 troops annexed Crimea.",
        "On January 26 troops moved.",
        "Turnout was 45% of voters.",
        "It cost $5 million dollars.",
        "Some 130,000 Russian Troops.",  # no lower-case noun: not a count we can compare
    ],
)
def test_dates_percentages_and_money_are_not_counts(text: str) -> None:
    assert figures(excerpt(text), 1) == []


def test_only_different_numbers_in_different_excerpts_disagree() -> None:
    one = excerpt("Russia has about 100,000 troops near the border.", "a", source="Reuters")
    two = excerpt("Kyiv says some 130,000 Russian troops are there.", "b", source="AP")
    same = excerpt("Another report counted 100,000 troops.", "c")
    (found,) = discrepancies([one, two])
    assert found.subject == "troops"
    assert [(f.value, f.excerpt, f.source) for f in found.figures] == [
        (100_000, 1, "Reuters"),
        (130_000, 2, "AP"),
    ]
    assert describe(found) == (
        "the excerpts give different figures for troops: “100,000 troops” [1, Reuters], "
        "“130,000 Russian troops” [2, Kyiv, AP]. Check the sources before repeating one."
    )
    assert discrepancies([one, same]) == ()
    # Two numbers inside one excerpt are a range or a change, not a disagreement.
    assert discrepancies([excerpt("It grew from 100 troops to 300 troops.")]) == ()


def test_counts_of_different_things_are_not_a_disagreement() -> None:
    # Two parties' seats, in one article or two: different named things.
    seats = excerpt(
        "Labour won 412 seats, while the Conservatives won 121 seats.", "a", source="BBC"
    )
    also = excerpt("The Conservatives won 121 seats, their worst result.", "b", source="AP")
    assert discrepancies([seats]) == () and discrepancies([seats, also]) == ()
    # One source giving two numbers (the same outlet, the same day, nobody quoted).
    day = date(2022, 1, 28)
    first = excerpt("Some 100,000 troops were near the border.", "a", source="R", published=day)
    second = excerpt(
        "By night 130,000 troops were near the border.", "b", source="R", published=day
    )
    assert discrepancies([first, second]) == ()


def test_a_quoted_figure_disputes_the_outlets_own_even_in_one_article() -> None:
    own = excerpt("Russia has deployed about 100,000 troops near the border.", "a", source="R")
    quoted = excerpt(
        "Defense Minister Oleksii Reznikov told parliament there are some 130,000 Russian "
        "troops near Ukraine’s borders.",
        "a",
        start=500,
        source="R",
    )
    (found,) = discrepancies([own, quoted])
    assert [(f.value, f.claimant) for f in found.figures] == [
        (100_000, None),
        (130_000, "Reznikov"),
    ]
    assert "[2, Reznikov, R]" in describe(found)


def test_the_same_outlet_on_different_days_is_a_change_worth_showing() -> None:
    early = excerpt("About 100,000 troops are near the border.", "a", source="R",
                    published=date(2022, 1, 10))  # fmt: skip
    late = excerpt("About 130,000 troops are near the border.", "b", source="R",
                   published=date(2022, 1, 28))  # fmt: skip
    (found,) = discrepancies([early, late])
    assert "[1, R, 2022-01-10]" in describe(found) and "[2, R, 2022-01-28]" in describe(found)


@pytest.mark.model
def test_the_seed_troop_figures_are_flagged(real_bot: AskBot) -> None:
    answer = real_bot.ask("How many Russian troops are near Ukraine's border?")
    (found,) = answer.discrepancies
    assert {f.value for f in found.figures} == {100_000, 130_000}
    for figure in found.figures:
        article = real_bot.article(figure.article_id)
        assert article is not None and article.text[figure.start : figure.end] == figure.text
    assert real_bot.ask("What did Lavrov say about war?").discrepancies == ()
