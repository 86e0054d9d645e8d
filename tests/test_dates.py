"""Dates askbot can trust, periods in filters, and the time words of questions."""

from __future__ import annotations

from datetime import date

import pytest

from askbot.dates import DateError, date_from_url, parse_date, parse_period
from askbot.errors import QuestionError
from askbot.query import parse_question
from askbot.when import read_time

LATEST = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-01-28", date(2022, 1, 28)),
        ("2022-01-28T10:00:00Z", date(2022, 1, 28)),
        ("2022-01-28T23:30:00-05:00", date(2022, 1, 28)),
        ("Fri, 28 Jan 2022 10:00:00 +0000", date(2022, 1, 28)),
        ("Fri, 28 Jan 2022 10:00:00 GMT", date(2022, 1, 28)),
        ("January 28, 2022", date(2022, 1, 28)),
        ("March 1st, 2024", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("28th of January 2022", date(2022, 1, 28)),
        ("Jan. 28, 2022", date(2022, 1, 28)),
        ("Friday, January 28, 2022 10:32 AM EST", date(2022, 1, 28)),
        ("10:32 AM EST, Fri January 28, 2022", date(2022, 1, 28)),
        ("2022/01/28", date(2022, 1, 28)),
        ("20220128", date(2022, 1, 28)),
        ("13/02/2022", date(2022, 2, 13)),
        (1643364000, date(2022, 1, 28)),
        (1643364000000, date(2022, 1, 28)),
        (date(2022, 1, 28), date(2022, 1, 28)),
    ],
)
def test_dates_news_writes_are_read(value: object, expected: date) -> None:
    assert parse_date(value, latest=LATEST) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("nan", "not understood"),
        ("N/A", "not understood"),
        ("n.d.", "not understood"),
        ("", "not understood"),
        ("sometime soon", "not understood"),
        ("2023", "only a year"),
        ("May 2023", "only a month"),
        ("2022-02-30", "not a real date"),
        ("February 30, 2022", "not a real date"),
        ("01/02/2022", "day/month or month/day"),
        ("2031-01-01", "in the future"),
        ("1066-10-14", "too early"),
        (True, "not understood"),
        ([2022, 1, 28], "not understood"),
        (12, "not understood"),
    ],
)
def test_what_is_not_a_date_says_why(value: object, why: str) -> None:
    with pytest.raises(DateError, match=why):
        parse_date(value, latest=LATEST)


def test_a_date_in_a_url_path() -> None:
    assert date_from_url("https://x.example/2022/01/28/world/story.html") == date(2022, 1, 28)
    assert date_from_url("https://x.example/2022-01-28-story") == date(2022, 1, 28)
    assert date_from_url("https://x.example/2022/02/30/story") is None
    assert date_from_url("https://x.example/story/12345") is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2024", (date(2024, 1, 1), date(2024, 12, 31))),
        ("2024-03", (date(2024, 3, 1), date(2024, 3, 31))),
        ("March 2024", (date(2024, 3, 1), date(2024, 3, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2024-03-15", (date(2024, 3, 15), date(2024, 3, 15))),
        ("yesterday", (date(2024, 4, 30), date(2024, 4, 30))),
    ],
)
def test_filters_take_whole_periods(text: str, period: tuple[date, date]) -> None:
    assert parse_period(text, reference=date(2024, 5, 1)) == period


def test_since_until_and_in_filters_use_the_period_ends() -> None:
    q = parse_question("since:2024 until:2024 troops", 1000)
    assert (q.filters.since, q.filters.until) == (date(2024, 1, 1), date(2024, 12, 31))
    q = parse_question('in:"March 2024" troops', 1000)
    assert (q.filters.since, q.filters.until) == (date(2024, 3, 1), date(2024, 3, 31))
    q = parse_question("since:2024-03 troops", 1000)
    assert q.filters.since == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("since:2024-05 until:2024-01 troops", "since 2024-05-01 and until 2024-01-31"),
        ("since:2024-02-30 troops", "since:2024-02-30 is not a date (is not a real date)"),
        ("in:someday troops", "in:someday is not a date"),
    ],
)
def test_filters_that_cannot_hold_are_refused(question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_question(question, 1000)


def test_asking_as_of_a_date_ends_the_articles_there() -> None:
    q = parse_question("troops near the border", 1000, as_of=date(2022, 1, 28))
    assert (q.filters.published_by, q.filters.as_of) == (date(2022, 1, 28), date(2022, 1, 28))
    assert q.filters.until is None  # undated articles are not left out
    with pytest.raises(QuestionError, match="after the date the question is asked as of"):
        parse_question("since:2023 troops", 1000, as_of=date(2022, 1, 28))


THURSDAY = date(2023, 1, 5)


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened this week?", date(2022, 12, 30), THURSDAY),
        ("What happened in the past week?", date(2022, 12, 30), THURSDAY),
        ("What happened last week?", date(2022, 12, 26), date(2023, 1, 1)),
        ("What happened yesterday?", date(2023, 1, 4), date(2023, 1, 4)),
        ("What happened today?", THURSDAY, THURSDAY),
        ("Who won on Sunday?", date(2023, 1, 1), date(2023, 1, 1)),
        ("What sold this weekend?", date(2022, 12, 31), date(2023, 1, 1)),
        ("What did the Fed do in March?", date(2022, 3, 1), date(2022, 3, 31)),
        ("What did the Fed do in January?", date(2023, 1, 1), THURSDAY),
        ("How many jobs since January?", date(2023, 1, 1), THURSDAY),
        ("What changed this month?", date(2023, 1, 1), THURSDAY),
        ("What changed last month?", date(2022, 12, 1), date(2022, 12, 31)),
        ("What changed this year?", date(2023, 1, 1), THURSDAY),
        ("What changed last year?", date(2022, 1, 1), date(2022, 12, 31)),
    ],
)
def test_time_words_resolve_against_the_reference_date(
    question: str, since: date, until: date
) -> None:
    frame = read_time(question, THURSDAY)
    assert (frame.since, frame.until) == (since, until), frame


@pytest.mark.parametrize(
    ("question", "recent", "current"),
    [
        ("Which company is the latest to cut jobs?", True, True),
        ("Is the strike still going on?", True, True),
        ("Who is the current prime minister?", True, True),
        ("Which seed did the FDA recently add?", True, False),
        ("Who will host the World Cup in 2030?", False, False),  # a year is not a period
        ("Who won the 2018 World Cup?", False, False),
    ],
)
def test_questions_about_now_prefer_new_reporting(
    question: str, recent: bool, current: bool
) -> None:
    frame = read_time(question, THURSDAY)
    assert (frame.recent, frame.current, frame.window) == (recent, current, None)


def test_time_words_are_preferences_shown_with_the_filters_and_not_searched_for() -> None:
    q = parse_question("Which team did Hamlin play for this week?", 1000, as_of=THURSDAY)
    f = q.filters
    assert (f.prefer_since, f.prefer_until, f.time_words) == (
        date(2022, 12, 30),
        THURSDAY,
        ("this week",),
    )
    assert f.since is None and f.until is None  # preferences filter nothing
    assert "week" not in q.words
    assert "march" in parse_question("What happened in March?", 1000).words  # content stays
    hard = parse_question("What happened this week?", 1000, as_of=THURSDAY, time_words="filter")
    assert (hard.filters.since, hard.filters.until) == (date(2022, 12, 30), THURSDAY)
    ignored = parse_question("What happened this week?", 1000, time_words="ignore")
    assert ignored.filters.prefer_since is None and not ignored.filters.prefer_recent
