"""The Slack adapter's own settings: Slack's conventional token names, and ASKBOT_SLACK_*."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _slack(name: str) -> AliasChoices:
    return AliasChoices(name, f"ASKBOT_{name}")


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASKBOT_SLACK_", env_file=".env", extra="ignore", populate_by_name=True
    )

    bot_token: SecretStr | None = Field(None, validation_alias=_slack("SLACK_BOT_TOKEN"))
    app_token: SecretStr | None = Field(None, validation_alias=_slack("SLACK_APP_TOKEN"))
    signing_secret: SecretStr | None = Field(None, validation_alias=_slack("SLACK_SIGNING_SECRET"))
    api_url: str = Field("https://slack.com/api/", validation_alias=_slack("SLACK_API_URL"))
    thread_followups: bool = Field(
        False, description="Answer follow-ups in answered threads without a new @mention."
    )
    feedback_log: Path = Field(Path("feedback.jsonl"), description="Feedback JSON Lines.")
    user_rate_limit: int = Field(
        10, ge=0, description="Questions per user per minute (0 = unlimited)."
    )
    add_allowed: str = Field(
        "nobody",
        description="Who may '@askbot add <url>' (and the 'Add to askbot' shortcut): "
        "everyone, nobody, or comma-separated Slack user ids.",
    )
