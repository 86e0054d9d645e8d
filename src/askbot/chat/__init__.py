"""What every chat surface needs, whatever the chat: rate limits, duplicate deliveries,
the feedback log, and the answer-or-warning rule. Only ``slack/`` knows Slack."""

from askbot.chat.feedback import Cited, ExcerptRef, FeedbackEntry, FeedbackLog, Vote, entry
from askbot.chat.guard import RateLimiter, RecentKeys
from askbot.chat.replies import SORRY, Answerer, Reply, answer_or_warning

__all__ = [
    "SORRY",
    "Answerer",
    "Cited",
    "ExcerptRef",
    "FeedbackEntry",
    "FeedbackLog",
    "RateLimiter",
    "RecentKeys",
    "Reply",
    "Vote",
    "answer_or_warning",
    "entry",
]
