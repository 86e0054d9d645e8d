"""Saying what a question's filters did, so an empty answer blames the right thing.

When ``outlet:`` or the dates leave nothing, the answer says which filter did it, how
many articles it left out, and (for an unknown outlet) which outlets there are; it never
says the articles do not match the question when a filter, not the corpus, was the cause.
A date filter also leaves out undated articles: the answer says how many.
"""

from __future__ import annotations

from askbot.models import FilterReport, QueryFilters

EMPTY_INDEX = "the index holds no articles yet (add some with: askbot ingest PATH)"


def describe(filters: QueryFilters) -> str:
    """The filters as a person typed them: ``outlet:Reuters since:2022-01-01``."""
    parts = [f'outlet:"{o}"' if " " in o else f"outlet:{o}" for o in filters.outlets]
    if filters.since:
        parts.append(f"since:{filters.since.isoformat()}")
    if filters.until:
        parts.append(f"until:{filters.until.isoformat()}")
    if filters.published_by:
        parts.append(f"(as of {filters.published_by.isoformat()})")
    return " ".join(parts)


def describe_time(filters: QueryFilters) -> str | None:
    """The time a question was read as preferring, for people; None when it names none."""
    said = ", ".join(f"“{w}”" for w in filters.time_words)
    asked = f" as of {filters.as_of.isoformat()}" if filters.as_of else ""
    if filters.prefer_since and filters.prefer_until:
        start, end = filters.prefer_since.isoformat(), filters.prefer_until.isoformat()
        period = start if start == end else f"{start} to {end}"
        return f"preferring reports from {period} ({said}{asked})"
    if filters.prefer_recent:
        return f"preferring the newest reports ({said}{asked})"
    return None


def _dates(filters: QueryFilters) -> str:
    return describe(filters.model_copy(update={"outlets": ()}))


def _outlets(report: FilterReport) -> str:
    if not report.outlets:
        return "no article in the index names its outlet"
    names = ", ".join(f"{name} ({count})" for name, count in report.outlets)
    return f"the outlets are {names}"


def nothing_kept(report: FilterReport, filters: QueryFilters) -> str:
    """Why no article is left (call when ``report.kept`` is 0)."""
    if report.articles == 0:
        return EMPTY_INDEX
    if filters.outlets and report.outlet_matches == 0:
        named = " or ".join(filters.outlets)
        return (
            f"no outlet matches {named!r} among the {report.articles} articles; {_outlets(report)}"
        )
    among = (
        f"the {report.outlet_matches} articles from {' or '.join(filters.outlets)}"
        if filters.outlets
        else f"the {report.articles} articles"
    )
    reason = f"{_dates(filters)} leaves none of {among}"
    if report.undated_excluded:
        reason += (
            f" ({report.undated_excluded} of them have no date, so a date filter leaves them out)"
        )
    return reason


def notes(report: FilterReport, filters: QueryFilters) -> list[str]:
    """What the reader should know about the filters even when there is an answer."""
    if report.undated_excluded and report.kept:
        return [f"{_dates(filters)} leaves out {report.undated_excluded} undated article(s)"]
    return []


def no_match_among(report: FilterReport, filters: QueryFilters) -> str:
    return (
        f"none of the {report.kept} articles that {describe(filters)} keeps (of "
        f"{report.articles}) matches the question's words or meaning"
    )
