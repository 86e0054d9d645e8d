from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from askbot.chunker import chunk
from askbot.models import ChunkerConfig
from askbot.sentences import split_sentences

words = st.sampled_from(
    [
        "Russia",
        "said",
        "the",
        "U.S.",
        "troops",
        "“war”",
        "Mr.",
        "130,000",
        "Kyiv",
        "NATO’s",
        "é",
        "—",
        "x",
        "...",
        '"no"',
        "Ukraine.",
    ]
)
texts = st.lists(
    st.tuples(words, st.sampled_from([" ", " ", ". ", "? ", "\n", "\n\n", "  "])),
    min_size=1,
    max_size=300,
).map(lambda pairs: "".join(w + sep for w, sep in pairs))


@settings(max_examples=200, deadline=None)
@given(text=texts, max_words=st.integers(5, 60), overlap=st.integers(0, 2))
def test_passages_are_exact_slices_of_the_text(text: str, max_words: int, overlap: int) -> None:
    config = ChunkerConfig(max_words=max_words, overlap_sentences=overlap)
    passages = chunk("a", text, config)
    if text.strip():
        assert passages
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip()
        assert len(passage.text.split()) <= max_words or len(passage.sentences) == 1
        for span in passage.sentences:
            assert passage.start <= span.start < span.end <= passage.end
    # No word is lost: every non-space character lies inside some passage.
    covered = set()
    for passage in passages:
        covered.update(range(passage.start, passage.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_sentences_respect_abbreviations_and_lines() -> None:
    text = "Mr. Smith met U.S. officials. He left.\nHeadline without stop\nNext line."
    found = [text[s.start : s.end] for s in split_sentences(text)]
    assert found == [
        "Mr. Smith met U.S. officials.",
        "He left.",
        "Headline without stop",
        "Next line.",
    ]


def test_overlong_sentence_is_cut_at_word_boundaries() -> None:
    text = " ".join(f"w{i}" for i in range(250))
    passages = chunk("a", text, ChunkerConfig(max_words=100))
    assert [len(p.text.split()) for p in passages] == [100, 100, 50]
    assert "".join(p.text + " " for p in passages).strip() == text


def test_overlap_repeats_sentences_between_passages() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(10))
    plain = chunk("a", text, ChunkerConfig(max_words=10))
    overlapped = chunk("a", text, ChunkerConfig(max_words=10, overlap_sentences=1))
    assert len(overlapped) > len(plain)
    assert overlapped[1].sentences[0] == overlapped[0].sentences[-1]
