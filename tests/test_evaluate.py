"""Batch evaluation: scoring against official numbers, loaders and their bad input, reports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from askbot.errors import InputError
from askbot.evaluate import load, run_eval, squad_scores
from askbot.evaluate.metrics import answer_found, ndcg_at, normalize_answer, reciprocal_rank
from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "squad"
needs_squad = pytest.mark.skipif(not SQUAD.is_dir(), reason="../shared/datasets is not here")


def _golds(path: Path) -> dict[str, list[str]]:
    data = json.loads(gzip.decompress(path.read_bytes()))
    return {
        qa["id"]: [a["text"] for a in qa["answers"]]
        for doc in data["data"]
        for paragraph in doc["paragraphs"]
        for qa in paragraph["qas"]
    }


@needs_squad
@pytest.mark.parametrize(
    ("dataset", "predictions", "em", "f1"),
    [
        ("dev-v1.1", "v1.1_logistic_regression_baseline", 40.1, 51.0),
        ("dev-v1.1", "v1.1_bert_large_ensemble", 86.2, 92.2),
        ("dev-v2.0", "v2.0_bert_large_single", 78.7, 81.8),
    ],
)
def test_squad_scoring_reproduces_official_scores(
    dataset: str, predictions: str, em: float, f1: float
) -> None:
    golds = _golds(SQUAD / f"{dataset}.json.gz")
    preds = json.loads(
        gzip.decompress((SQUAD / "reference_predictions" / f"{predictions}.json.gz").read_bytes())
    )
    scores = squad_scores(golds, preds)
    assert round(scores["exact_match"], 1) == em
    assert round(scores["f1"], 1) == f1


def test_normalisation_and_answer_found() -> None:
    assert normalize_answer("The  Denver Broncos!") == "denver broncos"
    assert answer_found(["Denver Broncos"], ["In 2016 the Denver broncos won."])
    # On word boundaries: "1" is not found inside "1990".
    assert not answer_found(["1"], ["It was 1990."])
    assert not answer_found([""], ["anything"])


def test_ranking_metrics() -> None:
    assert reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"] * 10 + ["g"], ["g"]) == 0.0
    assert ndcg_at(["g1", "x", "g2"], {"g1": 1, "g2": 1}) == pytest.approx(
        (1 + 1 / 2) / (1 + 1 / 1.5849625007211562)
    )
    assert ndcg_at(["g2", "g1"], {"g1": 2, "g2": 1}) < 1.0


def test_jsonl_set_skips_bad_lines_with_their_location(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {"id": "q1", "question": "Who?", "answers": ["x"], "article_ids": ["a"]}
                ),
                "{not json",
                json.dumps({"id": "q3", "question": "  "}),
                json.dumps({"id": "q4", "question": "Why?", "answerable": "maybe"}),
                json.dumps({"question": "When?", "answerable": False, "asked_at": "2022-01-28"}),
                json.dumps({"question": "Lavrov?", "vote": "down", "article_ids": ["a"]}),
            ]
        )
    )
    questions = load(path)
    assert [q.id for q in questions.questions] == ["q1", "q5", "feedback-6"]
    assert questions.questions[1].asked_at is not None
    assert questions.questions[2].rejected_article_ids == ("a",)
    assert [str(s) for s in questions.skipped] == [
        f"{path}:2: malformed JSON (Expecting property name enclosed in double quotes)",
        f"{path}:3: question without text",
        f"{path}:4: 'answerable' must be true or false",
    ]


def test_unreadable_sets_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "missing.jsonl")
    (tmp_path / "beir").mkdir()
    (tmp_path / "beir" / "queries.jsonl").write_text("")
    with pytest.raises(InputError, match=r"missing corpus.jsonl, qrels/test.tsv"):
        load(tmp_path / "beir")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(InputError, match="not SQuAD JSON"):
        load(tmp_path / "bad.json")


def _beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    corpus = [
        {"_id": "d1", "title": "Grain", "text": "Ships carrying grain left Odesa on Monday."},
        {"_id": "d2", "title": "Talks", "text": "Diplomats met in Geneva to discuss security."},
        {"_id": "d3", "title": "Empty", "text": ""},
    ]
    with gzip.open(folder / "corpus.jsonl.gz", "wt") as out:
        out.write("\n".join(json.dumps(d) for d in corpus))
    queries = [
        {"_id": "1", "text": "Where did the grain ships leave from?"},
        {"_id": "2", "text": "Where did diplomats meet?"},
        {"_id": "3", "text": ""},
    ]
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n1\td1\t1\n2\td2\t2\n2\tghost\t1\n3\td1\t1\n"
    )
    return folder


def test_beir_set_is_indexed_once_and_scored(tmp_path: Path) -> None:
    folder = _beir(tmp_path / "beir_mini")
    settings = Settings(index=tmp_path / "unused")
    index = tmp_path / "embeddings" / "beir-mini"
    report = run_eval(
        settings, folder, index=index, embedder=HashingEmbedder(), report_dir=tmp_path / "r"
    )
    assert report.n == 2
    assert report.metrics["recall@1"] == 1.0 and report.metrics["ndcg@10"] == 1.0
    reasons = sorted(s.reason for s in report.skipped)
    assert reasons == ["document without text", "query without text", "unknown document 'ghost'"]
    assert report.counts == {"asked": 2, "retrieval": 2, "skipped": 3, "errors": 0}
    created = json.loads((index / "manifest.json").read_text())["created"]

    again = run_eval(settings, folder, index=index, embedder=HashingEmbedder())
    assert json.loads((index / "manifest.json").read_text())["created"] == created
    assert again.metrics["recall@1"] == 1.0

    files = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert files == ["metrics.json", "misses.jsonl", "summary.md"]
    assert json.loads((tmp_path / "r" / "metrics.json").read_text())["n"] == 2
    assert "| recall@1 | 1.000 |" in (tmp_path / "r" / "summary.md").read_text()


def _squad(path: Path) -> Path:
    data = {
        "version": "v2.0",
        "data": [
            {
                "title": "Odesa_port",
                "paragraphs": [
                    {
                        "context": "The port of Odesa reopened on Monday after a two-week "
                        "closure. Ships carrying grain left for Istanbul.",
                        "qas": [
                            {
                                "id": "s1",
                                "question": "When did the port of Odesa reopen?",
                                "answers": [{"text": "Monday", "answer_start": 31}],
                                "is_impossible": False,
                            },
                            {
                                "id": "s2",
                                "question": "Where did the grain ships go?",
                                "answers": [{"text": "Ankara", "answer_start": 0}],
                                "is_impossible": False,
                            },
                            {
                                "id": "s3",
                                "question": "Who owns the bakery of Odesa?",
                                "answers": [],
                                "is_impossible": True,
                            },
                        ],
                    }
                ],
            }
        ],
    }
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def test_squad_set_reports_answers_abstention_and_misses(tmp_path: Path) -> None:
    path = _squad(tmp_path / "dev-mini.json.gz")
    questions = load(path)
    assert questions.name == "squad-dev-mini"
    assert questions.corpus is not None and questions.corpus[0].id == "Odesa_port/0"
    assert questions.corpus[0].title == "Odesa port"

    settings = Settings(index=tmp_path / "unused", min_confidence=0.0)
    report = run_eval(
        settings,
        path,
        index=tmp_path / "idx",
        embedder=HashingEmbedder(),
        report_dir=tmp_path / "r",
    )
    m = report.metrics
    assert report.n == 3 and report.counts["retrieval"] == 2 and report.counts["answers"] == 2
    assert m["recall@1"] == 1.0
    assert m["answer_found@3"] == 0.5  # "Ankara" is not in the paragraph
    # Threshold 0 answers everything: nothing declined, so abstention recall is 0.
    assert m["answered_rate"] == 1.0 and m["abstain_recall"] == 0.0
    misses = [
        json.loads(line) for line in (tmp_path / "r" / "misses.jsonl").read_text().splitlines()
    ]
    assert {(miss["id"], miss["why"][0]) for miss in misses} == {
        ("s2", "no excerpt contains a gold answer"),
        ("s3", "answered a question the articles do not answer"),
    }
    assert misses[0]["cited"] and misses[0]["gold_articles"] == ["Odesa_port/0"]

    limited = run_eval(settings, path, index=tmp_path / "idx", embedder=HashingEmbedder(), limit=1)
    assert limited.n == 1 and limited.config["limit"] == 1


def test_config_names_the_chunker_the_index_was_built_with(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    built = AskBot.open(Settings(index=index, chunk_words=50), HashingEmbedder(), create=True)
    built.ingest_articles([Article(id="a", text="Lavrov said there would be no war.")])
    built.close()
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"question": "What did Lavrov say?", "article_ids": ["a"]}))
    # The settings now say 200 words, but the index keeps the 50 it was built with.
    report = run_eval(Settings(index=index, chunk_words=200), path, embedder=HashingEmbedder())
    assert report.config["chunk_words"] == 50
    assert report.config["title_in_embedding"] is True
    assert report.config["sentence_weight"] == 0.3


def test_evaluation_embeds_its_questions_in_one_batch(tmp_path: Path) -> None:
    from askbot.evaluate import ask_all
    from askbot.evaluate.questions import Question

    embedder = HashingEmbedder()
    bot = AskBot.open(Settings(index=tmp_path / "i", min_confidence=0.0), embedder, create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border, officials said.")])
    bot.warm_up()
    questions = [
        Question(id=str(n), question=f"How many troops near border {n}?", location=f"q:{n}")
        for n in range(6)
    ]
    before = embedder.calls
    outcomes = ask_all(bot, questions)
    assert embedder.calls == before + 1  # one batch, not one call per question
    one_by_one = [bot.ask(q.question) for q in questions]
    assert [o.ranking for o in outcomes] == [a.ranking for a in one_by_one]
