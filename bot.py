"""Runs askbot in Slack: ``python bot.py`` (Socket Mode when SLACK_APP_TOKEN is set).

The same as ``askbot slack``; settings come from the environment or a ``.env`` file.
"""

from askbot.console import fail, warn
from askbot.errors import AskbotError
from askbot.service import AskBot
from askbot.settings import load_config, load_settings
from askbot.slack.server import check_settings, run
from askbot.slack.settings import SlackSettings


def main() -> None:
    try:
        slack_settings = load_config(SlackSettings)
        mode = check_settings(slack_settings, None)
        bot = AskBot.open_or_sample(load_settings(), notice=warn)
        run(slack_settings, bot, mode=mode, host="127.0.0.1", port=3000)
    except AskbotError as error:
        fail(error)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
