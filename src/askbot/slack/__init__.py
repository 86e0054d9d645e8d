"""askbot in Slack: answers @mentions, direct messages and ``/ask`` with cited excerpts.

This is the only package that imports slack_bolt and slack_sdk, and only its ``app`` and
``server`` modules do: importing ``askbot`` or this package (for its settings) does not.
The Bolt app is ``askbot.slack.app.build_app``; running it, ``askbot.slack.server.run``.
"""

from askbot.slack.settings import SlackSettings

__all__ = ["SlackSettings"]
