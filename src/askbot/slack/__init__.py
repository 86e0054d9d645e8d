"""askbot in Slack: answers @mentions, direct messages and ``/ask`` with cited excerpts.

This is the only package that imports slack_bolt and slack_sdk; importing ``askbot``
does not import it.
"""

from askbot.slack.app import SlackAnswerer, build_app
from askbot.slack.server import BoltHTTPServer, check_settings, run, socket_mode_handler
from askbot.slack.settings import SlackSettings

__all__ = [
    "BoltHTTPServer",
    "SlackAnswerer",
    "SlackSettings",
    "build_app",
    "check_settings",
    "run",
    "socket_mode_handler",
]
