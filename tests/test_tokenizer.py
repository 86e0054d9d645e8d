"""The keyword index and sentence scoring use one tokenizer, and it is saved with the index."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askbot import tokenizer
from askbot.errors import IndexIncompatibleError
from askbot.index import open_index
from askbot.keywords.fts5 import SCHEMA, Fts5Keywords
from askbot.models import QueryFilters
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=200
) | st.sampled_from(
    [
        "Lavrov said Friday: “We don’t want wars.”",
        "Zelensky told reporters the troops were 130,000-strong; U.S. officials disagreed.",
        "Müller's café in São Paulo — naïve façade, Ελλάδα, Москва, 東京, emoji 🚀 ok",
        "He went, she had gone; they've fought and won. Prices rose 3.5% in 2023.",
    ]
)


def _fts5() -> tuple[sqlite3.Connection, Fts5Keywords]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(SCHEMA)
    return conn, Fts5Keywords(conn, lambda filters: None)


@settings(max_examples=300, deadline=None)
@given(title=TEXT, body=TEXT)
def test_the_index_holds_exactly_the_terms_sentences_are_scored_by(title: str, body: str) -> None:
    conn, keywords = _fts5()
    keywords.add(title, [(1, body)])
    indexed = {term for (term,) in conn.execute("SELECT term FROM passages_vocab")}
    assert indexed == set(tokenizer.terms(title)) | set(tokenizer.terms(body))
    assert tokenizer.stems(body) == set(tokenizer.terms(body))
    for word in tokenizer.tokens(body)[:20]:
        # Every word the scorer would look for is found, and counted, by the index.
        assert [pid for pid, _ in keywords.search([word], 5, QueryFilters())] == [1]
        term = tokenizer.stem(word)
        assert keywords.document_frequencies([term]) == {term: 1}


def test_speech_verbs_meet_in_both_places() -> None:
    _, keywords = _fts5()
    keywords.add(None, [(1, "Lavrov said there will be no war."), (2, "Nothing here.")])
    assert [pid for pid, _ in keywords.search(["say"], 5, QueryFilters())] == [1]
    assert tokenizer.stem("said") == tokenizer.stem("says") == tokenizer.stem("say")


def test_an_index_made_with_another_tokenizer_is_refused(tmp_path: Path) -> None:
    AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True).close()
    manifest = tmp_path / "i" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["tokenizer"]["params"]["version"] = tokenizer.VERSION + 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexIncompatibleError, match="tokenizer askbot-porter") as caught:
        open_index(tmp_path / "i")
    assert "askbot ingest PATH --index NEW" in str(caught.value)
