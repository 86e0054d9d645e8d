"""Rendering and bookkeeping, without a server: mrkdwn escaping, Slack's limits, buttons,
and the bounded memories behind dedupe and rate limiting.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from fake_slack import BOT_TOKEN, FakeSlack, message_error
from slack_sdk import WebClient

from askbot.chat import RateLimiter, RecentKeys
from askbot.chat.feedback import read_payload
from askbot.models import Answer, Citation, Excerpt
from askbot.news import discrepancies
from askbot.slack.app import retry_handlers
from askbot.slack.blocks import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    TEXT_LIMIT,
    VALUE_LIMIT,
    answer_message,
    button_value,
    message_size,
    source_line,
)
from askbot.slack.mrkdwn import escape, escape_within, link, question_text, safe_url

# An entity that is cut, or a raw angle bracket, would let text turn into markup.
LOOSE = re.compile(r"&(?!amp;|lt;|gt;)|<(?!https?://)")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def excerpt(n: int, text: str, **fields: Any) -> Excerpt:
    values: dict[str, Any] = {
        "article_id": f"a{n}",
        "title": f"Headline {n}",
        "source": "Reuters",
        "published": date(2022, 1, 28),
        "url": f"https://example.com/{n}",
        "start": 0,
        "end": len(text),
        "text": text,
        "score": 1.0,
    }
    values.update(fields)
    return Excerpt(**values)


# -- mrkdwn ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<!channel> hi", "&lt;!channel&gt; hi"),
        ("<!here>", "&lt;!here&gt;"),
        ("<@U123> said", "&lt;@U123&gt; said"),
        ("R&D", "R&amp;D"),
        ("&lt;", "&amp;lt;"),
        ("<https://evil.example|your bank>", "&lt;https://evil.example|your bank&gt;"),
    ],
)
def test_escape_leaves_nothing_slack_would_act_on(raw: str, shown: str) -> None:
    assert escape(raw) == shown
    assert not LOOSE.search(escape(raw))


def test_escape_within_never_cuts_an_entity_and_quotes_every_line() -> None:
    text = "a&b\n<c>\n" * 50
    for limit in range(5, 120):
        cut = escape_within(text, limit, quoted=True)
        assert len(cut) <= limit
        assert not LOOSE.search(cut.replace("> ", "").replace("\n>", "\n"))
        assert all(line.startswith(">") for line in cut.split("\n"))
    assert escape_within("short", 100) == "short"


def test_links_cannot_be_forged_by_their_address_or_label() -> None:
    assert safe_url("https://x.example/a|b>c <d") == "https://x.example/a%7Cb%3Ec%20%3Cd"
    assert safe_url("https://x.example/?a=1&b=2") == "https://x.example/?a=1&amp;b=2"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x.example/" + "a" * 5000) is None
    assert link("https://x.example/p", "<!channel> & co") == (
        "<https://x.example/p|&lt;!channel&gt; &amp; co>"
    )
    assert link(None, "<@U1>") == "&lt;@U1&gt;"


def test_source_line_names_headline_outlet_and_date() -> None:
    cited = Citation(article_id="a1", title="Talks", source="AP", published=date(2022, 1, 2),
                     url="https://x.example/1", start=0, end=1)  # fmt: skip
    assert source_line(cited) == "<https://x.example/1|Talks> · AP · 2022-01-02"
    bare = Citation(article_id="a2", start=0, end=1, label="Troops gathered at the border…")
    assert source_line(bare) == "Troops gathered at the border…"  # its opening words


def test_question_text_is_plain_text() -> None:
    typed = (
        "<@UBOT> what did <@U42|alice> &amp; <#C1|general> say about "
        "<https://x.example/a|this story> and <https://x.example/b> &lt;today&gt; <!here>?"
    )
    assert question_text(typed, "UBOT") == (
        "what did @alice & #general say about this story and https://x.example/b <today> @here?"
    )
    assert question_text("<@UBOT|askbot>", "UBOT") == ""
    assert question_text("&amp;lt;", None) == "&lt;"


# -- answers ---------------------------------------------------------------------------


def test_abstention_reads_plainly_with_notes_and_buttons() -> None:
    answer = Answer(
        question="q",
        answered=False,
        reason="none of the articles matches <!channel>",
        warnings=("the question was cut to 1000 characters",),
    )
    message = answer_message(answer)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["context", "section", "actions"]
    assert message.blocks[0]["elements"][0]["text"] == (
        "note: the question was cut to 1000 characters"
    )
    assert message.blocks[1]["text"]["text"] == (
        "The articles don't answer this: none of the articles matches &lt;!channel&gt;."
    )
    assert message.text.startswith("The articles don't answer this")


def test_also_in_lists_other_outlets() -> None:
    other = Citation(article_id="b", source="AP", url="https://ap.example/b", start=0, end=3)
    answer = Answer(question="q", answered=True, excerpts=(excerpt(1, "abc", also_in=(other,)),))
    context = answer_message(answer).blocks[1]["elements"][0]["text"]
    assert context.endswith("\nalso in: <https://ap.example/b|AP>")


def test_a_huge_answer_is_trimmed_to_slacks_limits_and_accepted(fake_slack: FakeSlack) -> None:
    hostile = ("<!channel> R&D <@U1> >quote " * 400).strip()  # ~11,000 characters
    others = tuple(
        Citation(
            article_id=f"o{i}", source="&" * 200, url="https://o.example/|" * 10, start=0, end=1
        )
        for i in range(12)
    )
    excerpts = tuple(
        excerpt(n, hostile, title="<&>" * 500, also_in=others, article_id=f"article-{n:04d}" * 8)
        for n in range(20)
    )
    answer = Answer(question="why? " * 1000, answered=True, excerpts=excerpts)
    intro = "*You asked:* " + escape(answer.question[:2000])
    message = answer_message(answer, intro=intro, share=True)

    assert len(message.blocks) <= MAX_BLOCKS
    assert message_size(message) <= TEXT_LIMIT
    for block in message.blocks:
        texts = [block["text"]["text"]] if "text" in block else []
        texts += [e["text"] for e in block.get("elements", []) if e["type"] == "mrkdwn"]
        for text in texts:
            assert len(text) <= SECTION_LIMIT
            assert "<!channel>" not in text and "<@U1>" not in text
        for element in block.get("elements", []):
            if element["type"] == "button":
                assert len(element["value"]) <= VALUE_LIMIT
    quotes = [b for b in message.blocks if b["type"] == "section"][1:]
    assert len(quotes) == 20 and all(q["text"]["text"].endswith("…") for q in quotes)
    assert message_error({"text": message.text, "blocks": message.blocks}) is None

    # And Slack (the fake, with Slack's limits) takes it.
    client = WebClient(
        token=BOT_TOKEN, base_url=fake_slack.api_url, retry_handlers=retry_handlers()
    )
    response = client.chat_postMessage(channel="C1", text=message.text, blocks=message.blocks)
    assert response["ok"] is True


def test_more_excerpts_than_blocks_allow_are_counted_not_sent() -> None:
    answer = Answer(
        question="q", answered=True, excerpts=tuple(excerpt(n, f"quote {n}") for n in range(40))
    )
    message = answer_message(answer)
    assert len(message.blocks) <= MAX_BLOCKS
    footer = message.blocks[-2]["elements"][0]["text"]
    shown = sum(1 for b in message.blocks if b["type"] == "section")
    assert footer.startswith(f"{40 - shown} more excerpt(s) not shown")


# -- buttons and feedback --------------------------------------------------------------


def test_button_value_fits_and_round_trips() -> None:
    excerpts = [excerpt(n, "x", article_id=f"id-{n}" * 10, start=n, end=n + 5) for n in range(20)]
    value = button_value('What about ünïcode and "quotes"? ' * 200, excerpts)
    assert len(value) <= VALUE_LIMIT
    cited = read_payload(value)
    assert cited is not None
    assert cited.question.startswith('What about ünïcode and "quotes"?')
    assert cited.excerpts and cited.excerpts[0].article_id == "id-0" * 10
    assert cited.excerpts[1].start == 1 and cited.excerpts[1].end == 6

    short = read_payload(button_value("q", excerpts[:2]))
    assert short is not None and short.question == "q" and len(short.excerpts) == 2
    assert read_payload("not json") is None
    assert read_payload(json.dumps({"q": 1})) is None


# -- memories --------------------------------------------------------------------------


def test_recent_keys_forget_after_ttl_and_beyond_size() -> None:
    clock = Clock()
    keys = RecentKeys(size=3, ttl=10, clock=clock)
    assert keys.first("a") and not keys.first("a")
    clock.now += 11
    assert keys.first("a")
    for key in "bcd":
        keys.add(key)
    assert "a" not in keys and "d" in keys


def test_rate_limiter_counts_per_user_over_a_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.wait("u") == 0 and limiter.wait("u") == 0
    clock.now += 15
    assert limiter.wait("u") == pytest.approx(45)
    assert limiter.wait("v") == 0
    clock.now += 46
    assert limiter.wait("u") == 0
    unlimited = RateLimiter(0, clock=clock)
    assert all(unlimited.wait("u") == 0 for _ in range(100))


def test_figures_that_disagree_are_pointed_out_escaped() -> None:
    excerpts = (
        excerpt(1, "Russia has about 100,000 troops <!channel> near the border."),
        excerpt(2, "Kyiv says some 130,000 troops are there.", source="A&P"),
    )
    answer = Answer(
        question="How many troops?",
        answered=True,
        excerpts=excerpts,
        discrepancies=discrepancies(excerpts),
    )
    message = answer_message(answer)
    notes = [
        element["text"]
        for block in message.blocks
        if block["type"] == "context"
        for element in block["elements"]
        if "different figures" in element["text"]
    ]
    assert notes == [
        "note: the excerpts give different figures for troops: “100,000 troops” "
        "[1, Reuters, 2022-01-28], “130,000 troops” [2, Kyiv, A&amp;P, 2022-01-28]. "
        "Check the sources before repeating one."
    ]
