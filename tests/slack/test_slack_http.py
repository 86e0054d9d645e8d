"""The real Bolt app in HTTP mode, sent signed requests, answering into a fake Slack API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_slack import BOT_ID, BOT_USER, Call, FakeSlack
from slack_harness import SlackHarness, StartSlack

from askbot.chat import SORRY
from askbot.models import Answer, Article
from askbot.service import AskBot
from askbot.settings import Settings
from askbot.slack.blocks import SHARE, VOTE_DOWN, VOTE_UP
from fakes import HashingEmbedder

PORT_ARTICLE = Article(
    id="odesa",
    title="Ports <reopen> & <!channel> cheers",
    text=(
        "The port of Odesa reopened on Monday after a two-week closure, officials said. "
        "<!channel> Harbour master <@U999> said ships & tugs were back, see "
        "<https://evil.example|your bank>."
    ),
    url="https://example.com/odesa?a=1&b=2|fake>",
    source="Reuters",
    published="2022-03-01",  # type: ignore[arg-type]
)
LAVROV = "What did Lavrov say about war?"


@pytest.fixture
def news_bot(tmp_path: Path) -> Iterator[AskBot]:
    """The sample corpus plus one article full of Slack markup, on the fake embedder."""
    from askbot.sample import sample_dir

    bot = AskBot.open(Settings(index=tmp_path / "news"), HashingEmbedder(), create=True)
    bot.ingest_paths([sample_dir()])
    bot.ingest_articles([PORT_ARTICLE])
    yield bot
    bot.close()


def all_text(call: Call) -> str:
    return json.dumps(call.body.get("blocks", [])) + call.body.get("text", "")


def buttons(call: Call) -> dict[str, dict[str, Any]]:
    found = {}
    for block in call.body["blocks"]:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


def assert_posted_like_slack(call: Call) -> None:
    assert call.body["unfurl_links"] is False and call.body["unfurl_media"] is False
    assert call.body["text"], "every message needs a plain-text fallback"


# -- answering -------------------------------------------------------------------------


def test_mention_is_answered_in_its_thread_escaped_and_cited(
    start_slack: StartSlack, news_bot: AskBot, fake_slack: FakeSlack
) -> None:
    slack = start_slack(news_bot)
    ts = slack.mention(f"<@{BOT_USER}> When did the port of Odesa reopen &amp; why?")

    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "C1" and post.body["thread_ts"] == ts
    assert_posted_like_slack(post)
    sections = [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]
    quote = next(s for s in sections if "Odesa reopened" in s)
    assert quote.startswith("> ")
    # Article text cannot ping, mention or link.
    assert "&lt;!channel&gt;" in quote and "<!channel>" not in quote
    assert "&lt;@U999&gt;" in quote and "ships &amp; tugs" in quote
    assert "<https://evil" not in all_text(post)
    contexts = [b["elements"][0]["text"] for b in post.body["blocks"] if b["type"] == "context"]
    source = next(c for c in contexts if "Reuters" in c)
    assert source == (
        "*1.* <https://example.com/odesa?a=1&amp;b=2%7Cfake%3E|Ports &lt;reopen&gt; &amp; "
        "&lt;!channel&gt; cheers> · Reuters · 2022-03-01"
    )
    assert set(buttons(post)) == {VOTE_UP, VOTE_DOWN}
    # The question was asked as typed: mention gone, entities decoded.
    value = json.loads(buttons(post)[VOTE_UP]["value"])
    assert value["q"] == "When did the port of Odesa reopen & why?"
    assert value["e"][0][0] == "odesa"


def test_mention_inside_a_thread_answers_in_that_thread(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    slack.mention(f"<@{BOT_USER}> {LAVROV}", thread_ts="1680000000.000001")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1680000000.000001"


def test_abstention_says_the_articles_do_not_answer(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    slack.mention(f"<@{BOT_USER}> Who won the football world cup in 1966?")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert "The articles don't answer this:" in post.body["text"]
    assert set(buttons(post)) == {VOTE_UP, VOTE_DOWN}


def test_direct_message_is_answered_in_a_thread(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    reply = slack.message(LAVROV)
    assert reply.status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "D1" and post.body["thread_ts"].startswith("1690000000.")
    assert "If it depends on Russia" in all_text(post)


def test_a_retried_event_is_answered_once(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER}> {LAVROV}",
        "ts": "1690000000.500000",
        "channel": "C1",
    }
    assert slack.event(event, event_id="Ev1").status == 200
    assert slack.event(event, event_id="Ev1", retry=1).status == 200
    assert slack.event(event, event_id="Ev1", retry=2).status == 200
    fake_slack.wait_for("chat.postMessage")
    # A second answer would have been posted by now: the first took milliseconds.
    slack.mention(f"<@{BOT_USER}> a later question about Lavrov", user="U7")
    fake_slack.wait_for("chat.postMessage", count=2)
    assert [c.body["thread_ts"] for c in fake_slack.of("chat.postMessage")].count(
        "1690000000.500000"
    ) == 1


def test_own_messages_other_bots_edits_deletions_and_joins_are_ignored(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    slack.message(LAVROV, user=BOT_USER, bot_id=BOT_ID)
    slack.message(LAVROV, user="U5", bot_id="BOTHER")
    slack.message(LAVROV, subtype="bot_message", bot_id="BOTHER")
    slack.message(LAVROV, subtype="message_changed", message={"text": LAVROV, "user": "U1"})
    slack.message("", subtype="message_deleted")
    slack.message("<@U1> has joined the channel", subtype="channel_join")
    slack.mention(f"<@{BOT_USER}> {LAVROV}", user="U5", bot_id="BOTHER")
    # A question sent last is the only one answered.
    slack.message("How many Russian troops are near Ukraine's borders?", user="U9")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert "130,000" in all_text(post)
    time.sleep(0.2)
    assert len(fake_slack.of("chat.postMessage")) == 1


# -- signatures ------------------------------------------------------------------------


def test_a_bad_signature_is_refused(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    reply = slack.command(LAVROV, secret="not-the-secret")
    assert reply.status == 401
    time.sleep(0.2)
    assert fake_slack.of("response") == [] and fake_slack.of("chat.postMessage") == []


def test_a_stale_timestamp_is_refused(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    event = {"type": "app_mention", "user": "U1", "text": LAVROV, "ts": "1.0", "channel": "C1"}
    reply = slack.event(event, timestamp=int(time.time()) - 10 * 60)
    assert reply.status == 401
    time.sleep(0.2)
    assert fake_slack.of("chat.postMessage") == []


# -- /ask and buttons ------------------------------------------------------------------


class GatedBot:
    """Answers only once the test opens the gate, to show acks do not wait for answers."""

    def __init__(self, bot: AskBot) -> None:
        self.bot = bot
        self.gate = threading.Event()

    def ask(self, question: str, k: int | None = None, **options: object) -> Answer:
        assert self.gate.wait(10)
        return self.bot.ask(question, k)


def test_ask_command_is_acknowledged_at_once_and_answered_via_response_url(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    gated = GatedBot(fake_bot)
    slack = start_slack(gated)
    try:
        reply = slack.command(f"{LAVROV} <!here>", response="cmd1")
        # Acknowledged while the answer is still being worked out.
        assert reply.status == 200 and reply.seconds < 3
        assert fake_slack.of("response") == []
        assert reply.body.startswith("Looking that up: What did Lavrov")
        assert "<!here>" not in reply.body
    finally:
        gated.gate.set()

    (answer,) = fake_slack.wait_for("response")
    assert answer.path == "/response/cmd1"
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["unfurl_links"] is False
    assert "If it depends on Russia" in all_text(answer)
    assert "<!here>" not in all_text(answer)
    assert set(buttons(answer)) == {VOTE_UP, VOTE_DOWN, SHARE}

    # Sharing asks again and posts for everyone, then removes the ephemeral copy.
    slack.click(buttons(answer)[SHARE], user="U3", ephemeral=True)
    shared, deleted = fake_slack.wait_for("response", count=3)[1:]
    assert shared.body["response_type"] == "in_channel"
    assert shared.body["blocks"][0]["text"]["text"].startswith("<@U3> shared an answer to:")
    assert SHARE not in buttons(shared)
    assert deleted.body == {"delete_original": True}


def test_ask_without_a_question_explains_itself(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    reply = slack.command("   ")
    assert reply.status == 200 and "/ask" in reply.body
    time.sleep(0.2)
    assert fake_slack.of("response") == []


def test_feedback_click_is_logged_and_thanked(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    slack.mention(f"<@{BOT_USER}> {LAVROV}")
    (post,) = fake_slack.wait_for("chat.postMessage")
    reply = slack.click(buttons(post)[VOTE_DOWN], user="U2")
    assert reply.status == 200

    (thanks,) = fake_slack.wait_for("chat.postEphemeral")
    assert thanks.body["user"] == "U2" and thanks.body["channel"] == "C1"
    assert "Thanks" in thanks.body["text"]
    lines = slack.settings.feedback_log.read_text().splitlines()
    assert len(lines) == 1
    logged = json.loads(lines[0])
    assert logged["vote"] == "down" and logged["user"] == "U2" and logged["channel"] == "C1"
    assert logged["question"] == LAVROV
    assert logged["ts"] == "1690000000.000001" and logged["time"].endswith("Z")
    cited = {e["article_id"] for e in logged["excerpts"]}
    assert cited and set(logged["article_ids"]) == cited
    assert all(e["end"] > e["start"] for e in logged["excerpts"])


def test_feedback_on_an_ephemeral_answer_is_thanked_through_response_url(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    slack.command(LAVROV)
    (answer,) = fake_slack.wait_for("response")
    slack.click(buttons(answer)[VOTE_UP], ephemeral=True)
    thanks = fake_slack.wait_for("response", count=2)[1]
    assert thanks.body["replace_original"] is False and "Thanks" in thanks.body["text"]
    logged = json.loads(slack.settings.feedback_log.read_text())
    assert logged["vote"] == "up" and logged["question"] == LAVROV


# -- reliability -----------------------------------------------------------------------


def test_a_429_is_retried_after_retry_after(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    fake_slack.rate_limit_next("chat.postMessage")
    slack.mention(f"<@{BOT_USER}> {LAVROV}")
    (post,) = fake_slack.wait_for("chat.postMessage", timeout=6)
    attempts = fake_slack.of("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].body == attempts[1].body
    assert "If it depends on Russia" in all_text(post)


class FlakyBot:
    """Fails with a plain bug on one question, answers the others."""

    def __init__(self, bot: AskBot, fails_on: str) -> None:
        self.bot = bot
        self.fails_on = fails_on

    def ask(self, question: str, k: int | None = None, **options: object) -> Answer:
        if question == self.fails_on:
            raise RuntimeError("the engine broke")
        return self.bot.ask(question, k)


def test_engine_failures_warn_in_the_thread_and_the_bot_keeps_answering(
    start_slack: StartSlack,
    fake_slack: FakeSlack,
    fake_bot: AskBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack = start_slack(FlakyBot(fake_bot, fails_on="break please"))
    first = slack.mention(f"<@{BOT_USER}> break please")
    (warning,) = fake_slack.wait_for("chat.postMessage")
    assert warning.body["thread_ts"] == first
    assert warning.body["text"] == f"⚠️ {SORRY}"
    assert "RuntimeError: the engine broke" in caplog.text

    # An AskbotError (nothing left once the mention is removed) reads as its own line.
    slack.mention(f"<@{BOT_USER}>")
    question_warning = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert question_warning.body["text"].startswith("⚠️ ")
    assert "Traceback" not in question_warning.body["text"]
    assert question_warning.body["text"] != f"⚠️ {SORRY}"

    slack.mention(f"<@{BOT_USER}> {LAVROV}")
    answered = fake_slack.wait_for("chat.postMessage", count=3)[2]
    assert "If it depends on Russia" in all_text(answered)


def test_per_user_rate_limit_gets_a_polite_reply(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot, user_rate_limit=2)
    for _ in range(3):
        slack.mention(f"<@{BOT_USER}> {LAVROV}", user="U4")
    (polite,) = fake_slack.wait_for("chat.postEphemeral")
    assert polite.body["user"] == "U4" and "try again in" in polite.body["text"]
    fake_slack.wait_for("chat.postMessage", count=2)
    # Someone else is not held back.
    slack.mention(f"<@{BOT_USER}> {LAVROV}", user="U5")
    fake_slack.wait_for("chat.postMessage", count=3)
    assert len(fake_slack.of("chat.postEphemeral")) == 1
    reply = slack.command(LAVROV, user="U4")
    assert "try again in" in reply.body


# -- follow-ups ------------------------------------------------------------------------


def _follow_up(slack: SlackHarness, thread_ts: str) -> None:
    reply = slack.event(
        {
            "type": "message",
            "channel_type": "channel",
            "user": "U1",
            "text": "How many Russian troops are near Ukraine's borders?",
            "ts": slack.next_ts(),
            "thread_ts": thread_ts,
            "channel": "C1",
        }
    )
    assert reply.status == 200


def test_thread_follow_ups_are_ignored_by_default(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    root = slack.mention(f"<@{BOT_USER}> {LAVROV}")
    fake_slack.wait_for("chat.postMessage")
    _follow_up(slack, root)
    time.sleep(0.3)
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_thread_follow_ups_are_answered_when_enabled(
    start_slack: StartSlack, fake_slack: FakeSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot, thread_followups=True)
    _follow_up(slack, "1111.2222")  # a thread the bot never answered in
    root = slack.mention(f"<@{BOT_USER}> {LAVROV}")
    fake_slack.wait_for("chat.postMessage")
    _follow_up(slack, root)
    second = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert second.body["thread_ts"] == root and "130,000" in all_text(second)
    time.sleep(0.2)
    assert len(fake_slack.of("chat.postMessage")) == 2


@pytest.mark.model
def test_mention_end_to_end_with_the_real_model(
    start_slack: StartSlack, fake_slack: FakeSlack, real_bot: AskBot
) -> None:
    slack = start_slack(real_bot)
    ts = slack.mention(f"<@{BOT_USER}> {LAVROV}")
    (post,) = fake_slack.wait_for("chat.postMessage", timeout=20)
    assert post.body["thread_ts"] == ts
    assert "If it depends on Russia, then there will be no war" in all_text(post)


def test_url_verification_is_answered_with_the_challenge(
    start_slack: StartSlack, fake_bot: AskBot
) -> None:
    slack = start_slack(fake_bot)
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    reply = slack.post(body, "application/json")
    assert reply.status == 200 and reply.json() == {"challenge": "c-123"}
