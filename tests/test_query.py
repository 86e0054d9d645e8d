from __future__ import annotations

from datetime import date

import pytest

from askbot.errors import QuestionError
from askbot.query import parse_question


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\x00\x07\x1b", "outlet:Reuters"])
def test_empty_questions_are_refused_with_an_example(raw: str) -> None:
    with pytest.raises(QuestionError, match=r"the question is empty — ask something, e\.g\."):
        parse_question(raw, 1000)


def test_question_of_only_stop_words_is_refused() -> None:
    with pytest.raises(QuestionError, match="has no words to search for"):
        parse_question("what is it?", 1000)


def test_long_question_is_truncated_at_a_word_with_a_warning() -> None:
    query = parse_question("troops " * 20_000, 1000)
    assert len(query.text) <= 1000 and query.text.endswith("troops")
    assert query.warnings == [f"question truncated to its first {len(query.text)} characters"]


def test_control_characters_become_spaces() -> None:
    query = parse_question("Lavrov\x00said\x1b[31m war\u200b?", 1000)
    assert query.text == "Lavrov said war ?"  # the whole escape sequence is gone
    assert query.words == ["lavrov", "said", "war"]


def test_filters_are_parsed_out_of_the_question() -> None:
    query = parse_question(
        'outlet:Reuters source:"Business Insider" since:2022-01-01 '
        "until:2022-02-01 troops near the border",
        1000,
    )
    assert query.text == "troops near the border"
    assert query.filters.outlets == ("Reuters", "Business Insider")
    assert (query.filters.since, query.filters.until) == (date(2022, 1, 1), date(2022, 2, 1))


def test_bad_filter_date_is_a_clear_error() -> None:
    with pytest.raises(
        QuestionError, match=r"since:someday is not a date \(not understood\) — write a day, month"
    ):
        parse_question("since:someday troops", 1000)


@pytest.mark.parametrize(
    ("question", "wants_quote"),
    [
        ("What did Lavrov say about war?", True),
        ("How did Kyiv respond to the deployment?", True),
        ("What has Blinken told reporters", True),
        ("How many troops are near the border?", False),
        ("Where is the saying carved?", False),
    ],
)
def test_questions_about_what_was_said_want_a_quote(question: str, wants_quote: bool) -> None:
    assert parse_question(question, 1000).wants_quote is wants_quote
