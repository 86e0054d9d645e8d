"""askbot's one exception tree.

Every error the core raises is an ``AskbotError`` whose message fits on one line and
names both the problem and the fix. Adapters translate at their edge: the CLI prints the
message and exits non-zero, the REPL prints it and keeps going, Slack replies with a short
warning in the thread.

    AskbotError
    ├── InputError            bad user input: a question, a file, a question set
    │   └── QuestionError     an empty or unusable question
    ├── IndexError_           the index directory cannot be used as it is
    │   ├── IndexMissingError      no index at that path
    │   ├── IndexIncompatibleError built with another model or format version
    │   ├── IndexCorruptError      a file is missing or damaged
    │   ├── IndexBusyError         another process is writing to it
    │   ├── IndexReadOnlyError     it is on a folder or mount askbot cannot write to
    │   └── BackendMissingError    built with a backend this install does not have
    ├── ModelError            the embedding model cannot be loaded
    ├── ConfigError           a setting is missing or invalid
    └── SourceError           a followed feed, sitemap or page cannot be used
        └── FetchError        a URL cannot (or may not) be fetched
"""

from __future__ import annotations


class AskbotError(Exception):
    """Base of every error askbot raises on purpose."""

    exit_code = 1

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} — {fix}" if fix else problem)


class InputError(AskbotError):
    """Input that askbot cannot use: a file, a line, a question set."""

    exit_code = 2


class QuestionError(InputError):
    """A question that cannot be asked (empty, only control characters, ...)."""


class IndexError_(AskbotError):
    """The index directory cannot be used as it is."""

    exit_code = 3


class IndexMissingError(IndexError_):
    """There is no index at the given path."""


class IndexIncompatibleError(IndexError_):
    """The index was built with another embedding model or format version."""


class IndexCorruptError(IndexError_):
    """A file of the index is missing or damaged."""


class IndexBusyError(IndexError_):
    """Another process holds the index's write lock."""


class IndexReadOnlyError(IndexError_):
    """The index can be read but not written (a read-only folder or mount)."""


class BackendMissingError(IndexError_):
    """The index names an embedder, vector store or keyword index this install lacks."""

    @classmethod
    def of(cls, where: str, part: str, name: str, available: list[str]) -> BackendMissingError:
        return cls(
            f"{where} was built with {part} {name!r}, which this install does not have "
            f"(it has {', '.join(available) or 'none'})",
            "install the package that provides it, or build a new index: "
            "askbot ingest PATH --index NEW",
        )


class ModelError(AskbotError):
    """The embedding model cannot be loaded or used."""

    exit_code = 4


class ConfigError(AskbotError):
    """A setting is missing or invalid."""

    exit_code = 5


class SourceError(AskbotError):
    """A followed source (feed, sitemap, page) is unknown, unreadable or misbehaves."""

    exit_code = 6


class FetchError(SourceError):
    """A URL cannot, or may not, be fetched (refused address, robots.txt, size, status)."""


class TransientFetchError(FetchError):
    """A fetch that failed now and may work later: a timeout, a 5xx, a 429, a dropped line."""
