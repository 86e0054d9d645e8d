"""askbot: answers questions about news articles with verbatim, cited excerpts."""

__version__ = "0.1.0"

from askbot.errors import AskbotError  # noqa: E402
from askbot.models import Answer, Article, Citation, Excerpt, IngestReport  # noqa: E402
from askbot.service import AskBot  # noqa: E402
from askbot.settings import Settings  # noqa: E402

__all__ = [
    "Answer",
    "Article",
    "AskBot",
    "AskbotError",
    "Citation",
    "Excerpt",
    "IngestReport",
    "Settings",
    "__version__",
]
