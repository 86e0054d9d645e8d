"""Reading question sets: askbot JSON Lines (and Slack feedback logs), SQuAD JSON, BEIR folders.

A bad line or question is skipped with ``file:line: reason`` and counted; a file that cannot
be read at all is an ``InputError``. Loaders never know how askbot will be configured.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from askbot.dates import date_problem
from askbot.errors import InputError
from askbot.evaluate.questions import Question, QuestionSet
from askbot.jsonlines import json_lines
from askbot.models import Article, Skipped

Format = Literal["auto", "jsonl", "squad", "beir"]
BEIR_FILES = ("corpus.jsonl", "queries.jsonl")


def _read(path: Path) -> str:
    """The text of a plain or gzipped file, or an InputError that says what is wrong."""
    if not path.exists():
        raise InputError(f"{path}: no such file", "check the path")
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return data.decode("utf-8-sig")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read it ({exc})", "check the file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text", "re-save it as UTF-8") from exc


def _with_gz(path: Path) -> Path:
    """``path`` or ``path.gz``, whichever exists (BEIR ships both ways)."""
    gz = path.with_name(path.name + ".gz")
    return gz if not path.exists() and gz.exists() else path


def detect_format(path: Path) -> Format:
    if path.is_dir():
        return "beir"
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith(".json"):
        return "squad"
    raise InputError(
        f"{path}: cannot tell the question-set format from its name",
        "pass --format jsonl, squad or beir",
    )


def load(path: Path, fmt: Format = "auto") -> QuestionSet:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", "check the path")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "jsonl":
        return load_jsonl(path)
    if fmt == "squad":
        return load_squad(path)
    return load_beir(path)


# -- askbot JSON Lines ---------------------------------------------------------------------


def _text(value: Any, field: str, *, numbers: bool = False) -> str:
    """A field that must be text; a number only where ``numbers`` (ids)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{field!r} must be text, not {type(value).__name__}")


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{field!r} must be a list of strings")


def _feedback_question(record: dict[str, Any], number: int, where: str) -> Question:
    """A Slack feedback line: 👍 confirms the cited articles, 👎 rejects them."""
    cited = _strings(record.get("article_ids"), "article_ids")
    if record.get("vote") not in ("up", "down"):
        raise ValueError('\'vote\' must be "up" or "down"')
    up = record.get("vote") == "up"
    return Question(
        id=_text(record.get("id"), "id", numbers=True) or f"feedback-{number}",
        question=_text(record.get("question"), "question"),
        relevance={a: 1 for a in cited} if up else {},
        rejected_article_ids=() if up else cited,
        location=where,
    )


def question_from_record(record: Any, number: int, where: str) -> Question:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object for a question")
    if "vote" in record:
        question = _feedback_question(record, number, where)
    else:
        relevance = record.get("relevance") or {}
        if not isinstance(relevance, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in relevance.values()
        ):
            raise ValueError("'relevance' must map article ids to integer grades")
        relevance = {str(k): v for k, v in relevance.items()}
        for article_id in _strings(record.get("article_ids"), "article_ids"):
            relevance.setdefault(article_id, 1)
        answerable = record.get("answerable", True)
        if not isinstance(answerable, bool):
            raise ValueError("'answerable' must be true or false")
        asked_at = record.get("asked_at")
        asked = None
        if asked_at not in (None, ""):
            asked, problem = date_problem(asked_at) if isinstance(asked_at, str) else (None, "")
            if asked is None:
                raise ValueError(f"'asked_at' {asked_at!r} is not a date ({problem or 'not text'})")
        question = Question(
            id=_text(record.get("id"), "id", numbers=True) or f"q{number}",
            question=_text(record.get("question"), "question"),
            answers=_strings(record.get("answers"), "answers"),
            relevance=relevance,
            answerable=answerable,
            asked_at=asked,
            location=where,
        )
    if not question.question.strip():
        raise ValueError("question without text")
    return question


def load_jsonl(path: Path) -> QuestionSet:
    questions: list[Question] = []
    skipped: list[Skipped] = []
    for item in json_lines(path, _read(path)):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            questions.append(question_from_record(item.value, item.number, item.location))
        except ValueError as exc:  # includes pydantic's ValidationError
            skipped.append(Skipped(location=item.location, reason=str(exc).splitlines()[0]))
    return QuestionSet(
        name=path.name.removesuffix(".gz").removesuffix(".jsonl"),
        format="jsonl",
        questions=tuple(questions),
        skipped=tuple(skipped),
    )


# -- SQuAD ------------------------------------------------------------------------------------


def load_squad(path: Path) -> QuestionSet:
    """SQuAD v1.1/v2.0: each paragraph is an article ``<title>/<n>``, its questions' gold."""
    shape = 'expected {"data": [{"title": …, "paragraphs": [{"context": …, "qas": […]}]}]}'
    try:
        data = json.loads(_read(path))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not JSON ({exc})", "pass a SQuAD v1.1/v2.0 file") from exc
    documents = data.get("data") if isinstance(data, dict) else None
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        raise InputError(f"{path}: not SQuAD JSON ({shape})", "pass a SQuAD file or --format")
    articles: list[Article] = []
    questions: list[Question] = []
    skipped: list[Skipped] = []
    for doc_number, doc in enumerate(documents):
        title = doc.get("title") if isinstance(doc.get("title"), str) else f"untitled-{doc_number}"
        paragraphs = doc.get("paragraphs")
        if not isinstance(paragraphs, list):
            skipped.append(Skipped(location=f"{path}:{title}", reason="no paragraphs list"))
            continue
        for number, paragraph in enumerate(paragraphs):
            article_id = f"{title}/{number}"
            context = paragraph.get("context") if isinstance(paragraph, dict) else None
            if not isinstance(context, str) or not context.strip():
                skipped.append(Skipped(location=f"{path}:{article_id}", reason="no context text"))
                continue
            articles.append(Article(id=article_id, title=title.replace("_", " "), text=context))
            qas = paragraph.get("qas")
            for qa in qas if isinstance(qas, list) else []:
                question = _squad_question(qa, path, article_id, skipped)
                if question is not None:
                    questions.append(question)
    stem = path.name.removesuffix(".gz").removesuffix(".json")
    return QuestionSet(
        name=f"squad-{stem}",
        format="squad",
        questions=tuple(questions),
        corpus=tuple(articles),
        skipped=tuple(skipped),
    )


def _squad_question(
    qa: Any, path: Path, article_id: str, skipped: list[Skipped]
) -> Question | None:
    qid = qa.get("id") if isinstance(qa, dict) else None
    where = f"{path}:{qid if isinstance(qid, str | int) else '?'}"
    text = qa.get("question") if isinstance(qa, dict) else None
    if not isinstance(text, str) or not text.strip():
        skipped.append(Skipped(location=where, reason="question without text"))
        return None
    answers = qa.get("answers") if isinstance(qa.get("answers"), list) else []
    texts = [a.get("text") for a in answers if isinstance(a, dict)]
    impossible = qa.get("is_impossible") is True
    return Question(
        id=str(qid) if isinstance(qid, str | int) else f"{article_id}#{len(skipped)}",
        question=text,
        answers=tuple(dict.fromkeys(t for t in texts if isinstance(t, str) and t)),
        relevance={} if impossible else {article_id: 1},
        answerable=not impossible,
        location=where,
    )


# -- BEIR -------------------------------------------------------------------------------------


def _jsonl_records(path: Path, skipped: list[Skipped]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in json_lines(path, _read(path)):
        if isinstance(item, Skipped):
            skipped.append(item)
        elif not isinstance(item.value, dict) or not isinstance(item.value.get("_id"), str | int):
            skipped.append(Skipped(location=item.location, reason="expected an object with an _id"))
        else:
            yield item.location, item.value


def load_beir(folder: Path, split: str = "test") -> QuestionSet:
    """A BEIR folder: corpus, queries, and the graded qrels of ``split`` (test by default)."""
    paths = {name: _with_gz(folder / name) for name in (*BEIR_FILES, f"qrels/{split}.tsv")}
    missing = [name for name, p in paths.items() if not p.exists()]
    if missing:
        raise InputError(
            f"{folder}: not a BEIR folder, missing {', '.join(missing)}",
            f"pass a folder with corpus.jsonl[.gz], queries.jsonl and qrels/{split}.tsv",
        )
    skipped: list[Skipped] = []
    articles: dict[str, Article] = {}
    for where, record in _jsonl_records(paths["corpus.jsonl"], skipped):
        raw_text, raw_title = record.get("text"), record.get("title")
        text = raw_text.strip() if isinstance(raw_text, str) else ""
        title = raw_title.strip() or None if isinstance(raw_title, str) else None
        if not text:
            skipped.append(Skipped(location=where, reason="document without text"))
            continue
        article_id = str(record["_id"])
        articles[article_id] = Article(id=article_id, title=title, text=text)
    queries = {
        str(record["_id"]): (where, record["text"] if isinstance(record.get("text"), str) else "")
        for where, record in _jsonl_records(paths["queries.jsonl"], skipped)
    }
    qrels: dict[str, dict[str, int]] = {}
    qrels_path = paths[f"qrels/{split}.tsv"]
    rows = csv.reader(_read(qrels_path).splitlines(), delimiter="\t")
    for number, row in enumerate(rows, start=1):
        where = f"{qrels_path}:{number}"
        if number == 1 and row and not row[-1].lstrip("-").isdigit():
            continue  # the header
        if len(row) != 3 or not row[2].lstrip("-").isdigit():
            skipped.append(Skipped(location=where, reason="expected query-id, corpus-id, score"))
        elif row[1] not in articles:
            skipped.append(Skipped(location=where, reason=f"unknown document {row[1]!r}"))
        elif row[0] not in queries:
            skipped.append(Skipped(location=where, reason=f"unknown query {row[0]!r}"))
        else:
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    questions: list[Question] = []
    for query_id, relevance in qrels.items():
        where, text = queries[query_id]
        if not text.strip():
            skipped.append(Skipped(location=where, reason="query without text"))
            continue
        questions.append(Question(id=query_id, question=text, relevance=relevance, location=where))
    return QuestionSet(
        name=f"beir-{folder.resolve().name.removeprefix('beir_').removeprefix('beir-')}",
        format="beir",
        questions=tuple(questions),
        corpus=tuple(articles.values()),
        skipped=tuple(skipped),
    )
