"""Who said it: attribution rules, the seeds, storage, rendering and 'what did X say'."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from askbot.answering.speaker import asked_speaker, matches
from askbot.models import Answer, Article, Attribution, Speaker
from askbot.news import speakers
from askbot.news.speakers import attribute
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from askbot.slack.blocks import answer_message
from askbot.terminal import render_answer
from fakes import HashingEmbedder

SEED_INTERFAX = (sample_dir() / "000_82e5f7c5c58a7ce4.txt").read_text()
SEED_INSIDER = (sample_dir() / "003_37d6d66e19b10c03.txt").read_text()


def speaker_of(text: str, words: str) -> str | None:
    """The name attributed to the span holding ``words`` (None: no speaker)."""
    at = text.index(words)
    found = [a for a in attribute(text) if a.start <= at < a.end]
    return found[0].name if found else None


def the(text: str, words: str) -> Attribution:
    at = text.index(words)
    return next(a for a in attribute(text) if a.start <= at < a.end)


# -- the seeds: 4/4 ---------------------------------------------------------------------


def test_seed_lavrov_quote_is_lavrov_with_his_role() -> None:
    found = the(SEED_INTERFAX, "If it depends on Russia")
    assert (found.name, found.role) == ("Sergey Lavrov", "Russia’s foreign minister")


def test_seed_zelensky_quotes_are_zelensky_not_the_bbc() -> None:
    assert speaker_of(SEED_INSIDER, "We don't need panic") == "Volodymyr Zelensky"
    # The next quotation names no one: it continues his words, not the BBC's report.
    assert speaker_of(SEED_INSIDER, "There are signals even") == "Volodymyr Zelensky"
    assert the(SEED_INSIDER, "We don't need panic").role == "Ukrainian President"


def test_seed_blinken_pronoun_is_blinken() -> None:
    found = the(SEED_INTERFAX, "Should Russia choose further aggression")
    assert found.name == "Antony Blinken"  # "… ," he said — after "Blinken declared"
    assert found.role == "U.S. Secretary of State"


def test_seed_reznikov_figure_is_reznikov() -> None:
    found = the(SEED_INTERFAX, "130,000 Russian troops")
    assert (found.name, found.role, found.kind) == (
        "Oleksii Reznikov",
        "Ukraine’s Defense Minister",
        "reported",
    )


# -- one case per rule --------------------------------------------------------------------


def test_attribution_after_the_quote() -> None:
    text = "Jane Roe, the city's mayor, spoke.\n\n“We will rebuild the bridge by June,” Roe said."
    found = the(text, "We will rebuild")
    assert (found.name, found.role, found.kind) == ("Jane Roe", "the city's mayor", "direct")
    assert text[found.start : found.end] == "“We will rebuild the bridge by June,”"


def test_inverted_attribution_and_title_before_the_name() -> None:
    text = '"The budget is not balanced yet," said Finance Minister Ana Costa on Monday.'
    found = the(text, "The budget")
    assert (found.name, found.role) == ("Ana Costa", "Finance Minister")


def test_appositive_between_name_and_verb() -> None:
    text = "Sergey Lavrov, Russia's foreign minister, said the talks had failed."
    found = the(text, "talks had failed")
    assert (found.name, found.role, found.kind) == (
        "Sergey Lavrov",
        "Russia's foreign minister",
        "reported",
    )


def test_reported_speech_forms() -> None:
    text = (
        "Maria Lopez is a nurse in Leeds. Tom Hill runs the clinic.\n\n"
        "Waiting times have doubled, according to Lopez.\n\n"
        "Hill told reporters that staff were leaving.\n\n"
        "Lopez said on Tuesday that the ward would close."
    )
    assert speaker_of(text, "Waiting times") == "Maria Lopez"
    assert speaker_of(text, "staff were leaving") == "Tom Hill"
    assert speaker_of(text, "ward would close") == "Maria Lopez"


def test_speaker_in_the_previous_sentence_of_the_paragraph() -> None:
    text = (
        '"We lost the vote by a handful of seats," said party leader Amy Chen. '
        '"We will be back in four years, and stronger than before."'
    )
    assert speaker_of(text, "We will be back") == "Amy Chen"


def test_paragraph_introduced_with_a_colon() -> None:
    text = "Coach Dan Miles, who retires next year, added:\n\n“Nobody gave us a chance this year.”"
    assert speaker_of(text, "Nobody gave us") == "Dan Miles"


def test_pronoun_refers_to_the_person_named_last() -> None:
    text = (
        "Paul Grant, an economist at Acme Bank, expects rates to fall.\n\n"
        "“Inflation is cooling faster than anyone expected,” he said."
    )
    found = the(text, "Inflation is cooling")
    assert (found.name, found.role) == ("Paul Grant", "an economist at Acme Bank")


def test_surname_resolves_to_the_full_name_first_given() -> None:
    text = (
        "Senator Kay Ivey opened the session.\n\n"
        '"This app is a threat to our networks and to our people," Ivey said.'
    )
    assert speaker_of(text, "This app is a threat") == "Kay Ivey"


def test_several_people_quoted_on_one_topic() -> None:
    text = (
        '"The plan will cut emissions by half over ten years," said Ana Ruiz, the minister.\n\n'
        '"The plan does nothing for drivers in rural areas," said Ben Ode, a farmer.\n\n'
        '"It is a start, but only a start," Ruiz said.'
    )
    assert speaker_of(text, "cut emissions") == "Ana Ruiz"
    assert speaker_of(text, "nothing for drivers") == "Ben Ode"
    assert speaker_of(text, "only a start") == "Ana Ruiz"


# -- no speaker, never a guess ----------------------------------------------------------


def test_no_attributable_speaker_gets_none() -> None:
    text = (
        "Mark Dunn was arrested on Friday.\n\n"
        "Police said he told investigators that he acted alone.\n\n"
        "Officials said the road would reopen on Monday.\n\n"
        "Protesters held signs reading “Our anger has reached the limit.”\n\n"
        "“Nobody saw anything at all that night.”"
    )
    assert speaker_of(text, "acted alone") is None
    assert speaker_of(text, "road would reopen") is None
    assert speaker_of(text, "Our anger") is None
    assert speaker_of(text, "Nobody saw") is None  # a quotation nothing attributes


def test_scare_quotes_are_not_speech() -> None:
    assert speakers.quotations("He called it a “blue print” for success.") == []


def test_without_the_nlp_model_attribution_is_off_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speakers, "MODEL", "no_such_spacy_model")
    speakers._nlp.cache_clear()
    try:
        assert "speaker attribution is off" in (speakers.available() or "")
        assert attribute(SEED_INTERFAX) == ()
        bot = AskBot.open(Settings(index=tmp_path / "index"), HashingEmbedder(), create=True)
        report = bot.ingest_paths([sample_dir()])
        bot.close()
        assert report.added == 2
        assert next(n.message for n in report.notices if "speaker" in n.message).startswith(
            "speaker attribution is off"
        )
    finally:
        speakers._nlp.cache_clear()


def test_speakers_off_ingests_without_attribution_and_without_a_notice(tmp_path: Path) -> None:
    settings = Settings(index=tmp_path / "index", min_confidence=0.0, speakers=False)
    with AskBot.open(settings, HashingEmbedder(), create=True) as bot:
        report = bot.ingest_articles([Article(id="interfax", text=SEED_INTERFAX)])
        with bot.index.snapshot() as snap:
            stored = snap.article("interfax")
        answer = bot.ask("What did Lavrov say about war?")
    assert report.added == 1 and not report.notices
    assert stored is not None and stored.quotes == ()
    assert answer.excerpts and all(e.speaker is None for e in answer.excerpts)


# -- end to end -------------------------------------------------------------------------


@pytest.fixture
def outlet_bot(tmp_path: Path) -> Iterator[AskBot]:
    """The seeds as records with their outlets, on the fake embedder, never abstaining."""
    bot = AskBot.open(
        Settings(index=tmp_path / "index", min_confidence=0.0), HashingEmbedder(), create=True
    )
    bot.ingest_articles(
        [
            Article(id="interfax", text=SEED_INTERFAX, source="Interfax"),
            Article(id="insider", text=SEED_INSIDER, source="Business Insider"),
        ]
    )
    yield bot
    bot.close()


def _shown(answer: Answer) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(render_answer(answer))
    return console.export_text()


def test_excerpts_carry_their_speaker_and_the_terminal_shows_it(outlet_bot: AskBot) -> None:
    answer = outlet_bot.ask("What did Lavrov say about war?")
    first = answer.excerpts[0]
    assert first.speaker is not None and first.speaker.name == "Sergey Lavrov"
    assert first.text.startswith(("“If it depends", '"If it depends'))
    shown = _shown(answer)
    assert (
        "— Sergey Lavrov, Russia’s foreign minister (via Interfax)" in shown
        or "— Sergey Lavrov, Russian Foreign Minister (via Business Insider)" in shown
    )
    data = json.loads(answer.model_dump_json())
    assert data["excerpts"][0]["speaker"]["name"] == "Sergey Lavrov"
    blocks = json.dumps(answer_message(answer).blocks, ensure_ascii=False)
    assert "— Sergey Lavrov, " in blocks


def test_speakers_survive_reopening_and_do_not_change_the_content_hash(
    outlet_bot: AskBot,
) -> None:
    with outlet_bot.index.snapshot() as snap:
        stored = snap.article("interfax")
    assert stored is not None
    assert any(q.name == "Oleksii Reznikov" for q in stored.quotes)
    same = Article(id="interfax", text=SEED_INTERFAX, source="Interfax")
    again = outlet_bot.ingest_articles([same])
    assert again.unchanged == 1 and again.updated == 0


def test_what_did_lavrov_say_prefers_his_own_words(outlet_bot: AskBot) -> None:
    answer = outlet_bot.ask("What did Lavrov say about sanctions?")
    assert answer.answered
    first = answer.excerpts[0]
    assert first.speaker is not None and first.speaker.name == "Sergey Lavrov"
    assert "sanctions" in first.text
    assert not any("not quoted" in w for w in answer.warnings)


def test_the_speaker_is_matched_by_role(outlet_bot: AskBot) -> None:
    answer = outlet_bot.ask("What did the defense minister say about troops?")
    first = answer.excerpts[0]
    assert first.speaker is not None and first.speaker.name == "Oleksii Reznikov"


def test_a_speaker_not_quoted_on_the_topic_is_said_so(outlet_bot: AskBot) -> None:
    warned = outlet_bot.ask("What did Blinken say about sanctions?")
    assert any("Blinken is not quoted on sanctions" in w for w in warned.warnings)
    declined = outlet_bot.ask("What did Merkel say about the war?")
    assert not declined.answered
    assert declined.reason == "Merkel is not quoted on the war in these articles"


def test_questions_that_name_a_speaker() -> None:
    asked = asked_speaker("What did Lavrov say about the war?")
    assert asked is not None and (asked.who, asked.topic) == ("Lavrov", "the war")
    role = asked_speaker("what was the foreign minister's view on sanctions")
    assert role is not None and role.who.endswith("foreign minister")
    assert asked_speaker("How many troops are near the border?") is None
    lavrov = Speaker(name="Sergey Lavrov", role="Russia's foreign minister")
    assert matches("Lavrov", lavrov)
    assert matches("Sergey Lavrov", lavrov)
    assert matches("the Russian foreign minister", lavrov)
    assert not matches("Blinken", lavrov)
    assert not matches("the defense minister", lavrov)


def test_the_speakers_own_words_beat_better_matching_reporting_about_them(
    tmp_path: Path,
) -> None:
    text = (
        "The deficit under Finance Minister Ana Costa grew again in March, and the deficit "
        "in March is now the largest in Europe, the figures say.\n\n"
        "“The deficit will close within two years, whatever happens,” Costa said."
    )
    bot = AskBot.open(
        Settings(index=tmp_path / "index", min_confidence=0.0), HashingEmbedder(), create=True
    )
    bot.ingest_articles([Article(id="costa", text=text, source="Wire")])
    answer = bot.ask("What did Costa say about the deficit in March?")
    bot.close()
    first = answer.excerpts[0]
    assert first.speaker == Speaker(name="Ana Costa", role="Finance Minister")
    assert first.text.startswith("“The deficit will close")
    assert "— Ana Costa, Finance Minister (via Wire)" in _shown(answer)
