"""The Bolt app: which Slack events askbot answers, and how it answers them.

Slack wants every request acknowledged within 3 seconds, and answering can take longer
(the first question warms caches, a busy index waits). So each listener only checks the
request and acknowledges it; the answering runs on askbot's own small thread pool, which
also keeps Bolt's workers free to acknowledge the next requests.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from askbot.chat import (
    SORRY,
    Answerer,
    Cited,
    FeedbackLog,
    RateLimiter,
    RecentKeys,
    Vote,
    answer_or_warning,
    entry,
)
from askbot.chat.feedback import read_payload
from askbot.errors import ConfigError
from askbot.slack.blocks import (
    SHARE,
    VOTE_DOWN,
    VOTE_UP,
    Message,
    answer_message,
    notice_message,
    warning_message,
)
from askbot.slack.mrkdwn import escape, escape_within, question_text
from askbot.slack.settings import SlackSettings
from askbot.sources.sharing import Adder, add_request, first_link

log = logging.getLogger("askbot.slack")

Event = dict[str, Any]
# Message subtypes that are still a person writing; every other subtype (edits, deletions,
# joins, bot posts) is not a question.
PERSON_SUBTYPES = frozenset({"thread_broadcast", "file_share"})
USER_ID = re.compile(r"[UW][A-Z0-9]+")
# Escaped characters of a question shown above its answer.
INTRO_LIMIT = 2000
# The message shortcut's callback id (set the same in the Slack app's configuration).
ADD_SHORTCUT = "add_to_askbot"
ADD_OFF = "Adding links is turned off here (ASKBOT_SLACK_ADD_ALLOWED=nobody)."
ADD_REFUSED = "You are not on the list of people who may add links (ASKBOT_SLACK_ADD_ALLOWED)."


def retry_handlers() -> list[RetryHandler]:
    """Retry dropped connections, and 429s after the Retry-After Slack asks for."""
    return [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=3)]


def bot_token(settings: SlackSettings) -> str:
    """``SLACK_BOT_TOKEN``, or a one-line error saying where to find it."""
    if settings.bot_token is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set",
            "export the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth page",
        )
    return settings.bot_token.get_secret_value()


def web_client(settings: SlackSettings) -> WebClient:
    """The Web API client, at ``SLACK_API_URL`` (Slack's own unless set)."""
    base_url = settings.api_url.rstrip("/") + "/"
    return WebClient(
        token=bot_token(settings),
        base_url=base_url,
        retry_handlers=retry_handlers(),
    )


def bot_user_id(client: WebClient) -> str:
    """The bot's own user id, which also proves the token works."""
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        raise ConfigError(
            f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')})",
            "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
        ) from error
    except (OSError, SlackClientError) as error:
        raise ConfigError(
            f"cannot reach Slack at {client.base_url} ({error})",
            "check the network, or SLACK_API_URL if you set it",
        ) from error
    return str(identity["user_id"])


def _person(user: str) -> str:
    return f"<@{user}>" if USER_ID.fullmatch(user) else escape(user)


class SlackAnswerer:
    """The listeners. Stateless across restarts: buttons carry what a click needs."""

    def __init__(
        self,
        settings: SlackSettings,
        bot: Answerer,
        client: WebClient,
        user_id: str,
        workers: int = 4,
        adder: Adder | None = None,
    ) -> None:
        self.bot = bot
        self.adder = adder
        self.client = client
        self.user_id = user_id
        self.followups = settings.thread_followups
        self.feedback = FeedbackLog(settings.feedback_log)
        self.limiter = RateLimiter(settings.user_rate_limit)
        # Event ids and (channel, ts) of messages already taken on, so a re-delivery or a
        # message that arrives both as app_mention and as message is answered once.
        self.seen = RecentKeys(size=20_000, ttl=3600)
        # Threads the bot answered in, for follow-ups without a new mention.
        self.threads = RecentKeys(size=20_000, ttl=7 * 24 * 3600)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="askbot-slack")

    def register(self, app: App) -> None:
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/ask")(self.on_ask)
        app.action(VOTE_UP)(self.on_vote)
        app.action(VOTE_DOWN)(self.on_vote)
        app.action(SHARE)(self.on_share)
        app.shortcut(ADD_SHORTCUT)(self.on_add_shortcut)

    def close(self) -> None:
        """Waits for answers under way."""
        self._pool.shutdown(wait=True)

    # -- background work ----------------------------------------------------------------

    def _later(self, work: Callable[..., None], *args: Any) -> None:
        def guarded() -> None:
            try:
                work(*args)
            except Exception:
                # A failed answer must not stop the bot; the traceback goes to the log.
                log.exception("Slack handler %s failed", work.__name__)

        self._pool.submit(guarded)

    def _compose(self, question: str, *, intro: str | None = None, share: bool = False) -> Message:
        reply = answer_or_warning(self.bot, question)
        if reply.answer is None:
            return warning_message(reply.warning or SORRY)
        return answer_message(reply.answer, question=question, intro=intro, share=share)

    def _post(self, channel: str, thread_ts: str, message: Message) -> bool:
        try:
            self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            log.exception("posting to %s failed: %s", channel, error.response.get("error"))
            return False
        return True

    def _ephemeral(self, channel: str, user: str, thread_ts: str | None, text: str) -> None:
        message = notice_message(text)
        try:
            self.client.chat_postEphemeral(
                channel=channel,
                user=user,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as error:
            log.exception("ephemeral to %s failed: %s", channel, error.response.get("error"))

    def _respond(self, url: str, message: Message | None, **options: Any) -> None:
        """Sends to an interaction's ``response_url`` (retrying 429s like the Web API)."""
        hook = WebhookClient(url, timeout=10, retry_handlers=retry_handlers())
        content: dict[str, Any] = {}
        if message is not None:
            content = {
                "text": message.text,
                "blocks": message.blocks,
                "unfurl_links": False,
                "unfurl_media": False,
            }
        try:
            response = hook.send(**content, **options)
        except (OSError, SlackClientError):
            log.exception("response_url failed")
            return
        if response.status_code != 200:
            log.error(
                "response_url refused the message: %s %s", response.status_code, response.body
            )

    @staticmethod
    def _too_fast(wait: float) -> str:
        return (
            "You're asking faster than I can keep up with. "
            f"Please try again in {math.ceil(wait)} seconds."
        )

    # -- questions in threads -----------------------------------------------------------

    def _ignored(self, event: Event) -> bool:
        subtype = event.get("subtype")
        return (
            (subtype is not None and subtype not in PERSON_SUBTYPES)
            or "bot_id" in event
            or not event.get("user")
            or event.get("user") == self.user_id
            or "ts" not in event
            or "channel" not in event
        )

    def _take(self, body: Event, event: Event) -> bool:
        """True if this event is new: not a re-delivery, not a message already taken."""
        event_id = body.get("event_id")
        if event_id and not self.seen.first(("event", event_id)):
            log.info("skipping re-delivered event %s", event_id)
            return False
        return self.seen.first(("message", event["channel"], event["ts"]))

    def on_mention(self, body: Event, event: Event) -> None:
        if not self._ignored(event) and self._take(body, event):
            self._later(self._answer_in_thread, event)

    def on_message(self, body: Event, event: Event) -> None:
        if self._ignored(event):
            return
        if event.get("channel_type") == "im":
            if self._take(body, event):
                self._later(self._answer_in_thread, event)
            return
        thread_ts = event.get("thread_ts")
        if (
            self.followups
            and thread_ts
            and thread_ts != event["ts"]
            and (event["channel"], thread_ts) in self.threads
            and self._take(body, event)
        ):
            self._later(self._answer_in_thread, event)

    def _answer_in_thread(self, event: Event) -> None:
        channel, user = event["channel"], event["user"]
        thread_ts = event.get("thread_ts") or event["ts"]
        wait = self.limiter.wait(user)
        if wait:
            self._ephemeral(channel, user, thread_ts, self._too_fast(wait))
            return
        url = add_request(event.get("text") or "")
        if url is not None:
            self._post(channel, thread_ts, notice_message(self._add(user, url)))
            return
        question = question_text(event.get("text") or "", self.user_id)
        # Remembered before posting: a follow-up can arrive as soon as the answer shows,
        # and the bot speaks in the thread either way (the answer, or the warning).
        self.threads.add((channel, thread_ts))
        if not self._post(channel, thread_ts, self._compose(question)):
            self._post(channel, thread_ts, warning_message(SORRY))

    # -- adding links -------------------------------------------------------------------

    def _add(self, user: str, url: str) -> str:
        if self.adder is None:
            return ADD_OFF
        if not self.adder.allows(user):
            return ADD_REFUSED
        return self.adder.add(url)

    def on_add_shortcut(self, ack: Ack, body: Event) -> None:
        ack()
        self._later(self._add_from_shortcut, body)

    def _add_from_shortcut(self, body: Event) -> None:
        url = first_link((body.get("message") or {}).get("text") or "")
        user = (body.get("user") or {}).get("id") or ""
        text = self._add(user, url) if url else "That message has no link to add."
        self._respond(
            body["response_url"],
            notice_message(text),
            response_type="ephemeral",
            replace_original=False,
        )

    # -- /ask ---------------------------------------------------------------------------

    def on_ask(self, ack: Ack, command: Event) -> None:
        question = question_text(command.get("text") or "", self.user_id)
        if not question:
            ack(text="Ask a question after the command, e.g. `/ask What did Lavrov say?`")
            return
        wait = self.limiter.wait(command["user_id"])
        if wait:
            ack(text=self._too_fast(wait))
            return
        ack(text=f"Looking that up: {escape_within(question, INTRO_LIMIT)}")
        self._later(self._answer_command, question, command["response_url"])

    def _answer_command(self, question: str, response_url: str) -> None:
        intro = f"*You asked:* {escape_within(question, INTRO_LIMIT)}"
        message = self._compose(question, intro=intro, share=True)
        self._respond(response_url, message, response_type="ephemeral")

    # -- buttons ------------------------------------------------------------------------

    def on_vote(self, ack: Ack, body: Event, action: Event) -> None:
        ack()
        self._later(self._record_vote, body, action)

    @staticmethod
    def _clicked(action: Event, what: str) -> Cited | None:
        """What a button of ours carries; None (and a log line) for anything else."""
        cited = read_payload(action.get("value") or "")
        if cited is None:
            log.warning("ignoring a %s click with an unreadable value", what)
        return cited

    def _record_vote(self, body: Event, action: Event) -> None:
        cited = self._clicked(action, "feedback")
        if cited is None:
            return
        vote: Vote = "up" if action.get("action_id") == VOTE_UP else "down"
        user = body["user"]["id"]
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        ts = container.get("message_ts") or message.get("ts")
        self.feedback.append(
            entry(cited, vote, user=user, channel=channel, ts=ts, time=datetime.now(UTC))
        )
        thanks = (
            "Thanks! Glad it helped."
            if vote == "up"
            else "Thanks for flagging it; this answer is logged for review."
        )
        if container.get("is_ephemeral") or not channel:
            self._respond(
                body["response_url"],
                notice_message(thanks),
                response_type="ephemeral",
                replace_original=False,
            )
        else:
            self._ephemeral(channel, user, message.get("thread_ts") or ts, thanks)

    def on_share(self, ack: Ack, body: Event, action: Event) -> None:
        ack()
        self._later(self._share, body, action)

    def _share(self, body: Event, action: Event) -> None:
        cited = self._clicked(action, "share")
        if cited is None:
            return
        asked = escape_within(cited.question, INTRO_LIMIT)
        intro = f"{_person(body['user']['id'])} shared an answer to: {asked}"
        # Ephemeral messages cannot be turned into channel messages, and the bot keeps no
        # copy, so the question is asked again and the answer posted for everyone.
        message = self._compose(cited.question, intro=intro)
        url = body["response_url"]
        self._respond(url, message, response_type="in_channel", replace_original=False)
        self._respond(url, None, delete_original=True)


def build_app(
    settings: SlackSettings,
    bot: Answerer,
    client: WebClient | None = None,
    adder: Adder | None = None,
) -> tuple[App, SlackAnswerer]:
    """A Bolt app whose listeners answer with ``bot``; checks the token with Slack first."""
    client = client or web_client(settings)
    user_id = bot_user_id(client)
    secret = settings.signing_secret
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else None,
        # Socket Mode has no signatures; HTTP mode refuses to start without a secret.
        request_verification_enabled=secret is not None,
        # bot_user_id above already proved the token.
        token_verification_enabled=False,
        process_before_response=False,
        logger=logging.getLogger("askbot.slack.bolt"),
    )
    handlers = SlackAnswerer(settings, bot, client, user_id, adder=adder)
    handlers.register(app)
    return app, handlers
