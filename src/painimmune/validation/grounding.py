"""Layer 3: every row grounded in the words of its source, and every sentence accounted for.

- **Pinned quotes.** A relationship row's quote begins at its ``quote_start`` in
  ``sources/<source_id>.txt`` (whitespace may differ, as in :func:`painimmune.language.text.span`).
- **Passages not encoded.** Each row of ``not_encoded`` records a passage by place and fingerprint
  (:mod:`painimmune.language.passages`): ``text[quote_start:quote_start + length]`` has its
  ``sha256``, and its ``opening`` is the passage's first words.
- **Mentions.** A relationship row names the words of the source that name its subject and its
  object (``subject_mention``, ``object_mention``). A mention lies inside the quote, or, when its
  ``*_mention_start`` is given, at that place: inside the quote, or earlier in the quote's paragraph
  (an antecedent, such as the cells that "These cells" refers to). It must be the entity's name, a
  synonym or one of the entity's accepted ``mentions``, compared by
  :func:`painimmune.language.folding.fold`.
- **Accepted mentions are used.** Each accepted mention of an entity names it in some row.
- **Names are unambiguous.** No two entities share a name, synonym or accepted mention (folded).
- **Sentence accounting.** Every sentence of every source text
  (:func:`painimmune.language.sentences.sentences`) is quoted, wholly or in part, by a row, or lies
  wholly inside a passage of ``not_encoded``.
"""

from __future__ import annotations

import bisect
import functools
import numbers
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from painimmune.language.folding import fold
from painimmune.language.passages import Passage, find, opening
from painimmune.language.sentences import Sentence, paragraphs, sentences
from painimmune.language.text import span, starts
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.validation.problems import Problem, declare, declared
from painimmune.validation.rows import items, rows
from painimmune.validation.statement_rules import ends

_rule = declare("package", __name__)
QUOTE_NOT_FOUND = _rule("quote-not-found", "Quotes are verbatim",
                        "Every quote occurs in sources/<source_id>.txt; only line breaks and runs of spaces may differ.")
QUOTE_OFFSET = _rule("quote-offset", "Quotes are pinned",
                     "Every quote (and every passage of not_encoded) begins at its quote_start: an offset in Unicode characters "
                     "of sources/<source_id>.txt.")
MENTION_NOT_FOUND = _rule("mention-not-found", "Mentions are where they are said to be",
                          "A row's subject_mention and object_mention occur inside its quote, or begin at their *_mention_start.")
MENTION_OUTSIDE_QUOTE = _rule("mention-outside-quote", "Mentions outside the quote are antecedents",
                              "A mention that lies outside the quote lies before it in the same paragraph (the cells that 'These cells' "
                              "refers to).")
MENTION_NOT_A_NAME = _rule("mention-not-a-name", "Mentions name the row's entities",
                           "A subject or object mention is the name, a synonym or an accepted mention of the row's subject or object, "
                           "compared as painimmune.language.folding.fold compares them (case, accents, punctuation, plurals).")
MENTION_UNUSED = _rule("mention-unused", "Accepted mentions are used",
                       "Each accepted mention listed on an entity names that entity in at least one row.")
NAME_AMBIGUOUS = _rule("name-ambiguous", "Names are unambiguous",
                       "No two entities share a name, synonym or accepted mention (folded), so a mention and `painimmune about` name one "
                       "entity.")
SENTENCE_UNACCOUNTED = _rule("sentence-unaccounted", "Every sentence is accounted for",
                             "Every sentence of every source text (painimmune.language.sentences) is quoted, wholly or in part, by a row, "
                             "or lies wholly in a passage of not_encoded with its reason.")
NOT_ENCODED = "not_encoded"
ROLES = ("subject", "object")
EXAMPLE_MENTION = _rule("example-mention", "Examples are named in the quote",
                        "Each named example of a row has its mention (subject_example_mentions, object_example_mentions, in the same "
                        "order): words inside the quote that are the example's name, a synonym or an accepted mention, compared as "
                        "painimmune.language.folding.fold compares them.")
NOT_ENCODED_QUOTED = _rule("not-encoded-quoted", "A passage is encoded or not, never both",
                           "No passage of not_encoded overlaps the quote of a relationship row: a passage a row quotes is encoded, "
                           "and one listed as not encoded says why no row quotes it.")
PASSAGE_FINGERPRINT = _rule("passage-fingerprint", "Passages not encoded are where they are said to be",
                            "The passage of each not_encoded row, sources/<source_id>.txt[quote_start:quote_start + length], has the "
                            "recorded sha256 (of its UTF-8 text). A copy without sources/ cannot check it (a note says so).")
PASSAGE_OPENING = _rule("passage-opening", "A passage's opening is its first words",
                        "The opening of each not_encoded row is the first words of its passage as painimmune.language.passages.opening "
                        "gives them (at most five words and twelve characters, its first word always whole, ending in '…' when the "
                        "passage has more): never more of the passage, never other words.")


@dataclass(frozen=True)
class Pinned:
    """Where a row's quote lies in its source: its span, or the problem that stops it being found."""

    start: int
    end: int
    problem: tuple[str, str] | None = None  # (rule, message)


def check(package: DataPackage, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Grounding, pinning and accounting problems of the package (*frames*: tables of raw strings
    with lists split; *texts*: the source texts by source id, as read)."""
    if not texts:
        return []
    accepted = _accepted_names(package, frames)
    problems = list(_ambiguous_names(accepted))
    pin = _Pinner(texts)
    used: set[tuple[str, str, str]] = set()
    for table in package.relationship_tables:
        problems += _rows(package, table, frames[table], texts, pin, accepted, used)
    quoted = _pinned_quotes(package, frames, pin, package.relationship_tables)
    problems += _not_encoded(frames, texts, quoted)
    sources = {source for table in package.relationship_tables for source in frames[table]["source_id"].dropna().unique()}
    if sources <= set(texts):  # every row could be checked, so an accepted mention no row used is unused
        problems += _unused_mentions(package, frames, used)
    for source, found in accounting(package, frames, texts, pin, quoted).items():
        for sentence, status in found:
            if status == UNACCOUNTED:
                problems.append(SENTENCE_UNACCOUNTED.problem(f"the sentence at {sentence.start} of sources/{source}.txt "
                                                             "is quoted by no row and lies in no passage of not_encoded", "sources",
                                                             source, "text", sentence.text))
    return problems


def _not_encoded(frames: dict[str, pd.DataFrame], texts: dict[str, str],
                 quotes: dict[str, set[tuple[int, int]]]) -> list[Problem]:
    """Each passage of not_encoded where its fingerprint says, opening with its recorded words, and
    quoted by no row (*quotes*: the spans the relationship rows quote, by source; a passage cannot be
    both encoded and not)."""
    if NOT_ENCODED not in frames:
        return []
    quoted = {source: _Spans(quotes.get(source, set())) for source in texts}
    problems = []
    for key, source, passage in _passages(frames[NOT_ENCODED], texts):
        text = texts[source]
        if not passage.holds(text):
            problems.append(_misplaced(key, source, passage, find(text, passage)))
        elif not passage.opens(text):
            problems.append(PASSAGE_OPENING.problem(f"the passage at {passage.start} of sources/{source}.txt opens "
                                                    f"{opening(text[passage.start:passage.end])!r}", NOT_ENCODED, key, "opening",
                                                    passage.opening))
        elif quoted[source].overlap(passage.start, passage.end):
            problems.append(NOT_ENCODED_QUOTED.problem(f"a row quotes part of this passage of sources/{source}.txt; a passage is "
                                                       "either encoded or listed as not encoded, never both", NOT_ENCODED, key,
                                                       "quote_start", str(passage.start)))
    return problems


def _passages(frame: pd.DataFrame, texts: dict[str, str]) -> Iterator[tuple[str, str, Passage]]:
    """Each row of not_encoded whose source text is at hand, as (id, source, passage); rows with a
    cell missing or malformed are left to the rules of their columns."""
    for key, source, start, length, sha256, words in rows(frame, ["id", "source_id", "quote_start", "length", "sha256", "opening"]):
        offset, count = _integer(start), _integer(length)
        if source in texts and offset is not None and count is not None and isinstance(sha256, str) and isinstance(words, str):
            yield str(key), str(source), Passage(offset, count, sha256, words)


def _misplaced(key: str, source: str, passage: Passage, elsewhere: list[int]) -> Problem:
    """The problem of a passage whose fingerprint does not match at its place: named on quote_start
    when the same passage begins elsewhere, on sha256 otherwise."""
    if elsewhere:
        return QUOTE_OFFSET.problem(f"the passage begins at {', '.join(map(str, elsewhere[:3]))} in sources/{source}.txt, not at "
                                    f"{passage.start}", NOT_ENCODED, key, "quote_start", str(passage.start))
    return PASSAGE_FINGERPRINT.problem(f"the {passage.length} characters at {passage.start} of sources/{source}.txt do not have this "
                                       "sha256: the passage is not there, or its length or sha256 is wrong", NOT_ENCODED, key,
                                       "sha256", passage.sha256)


def _listed(frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> dict[str, set[tuple[int, int]]]:
    """The spans of the passages of not_encoded that lie where their fingerprints say, by source."""
    spans: dict[str, set[tuple[int, int]]] = {}
    if NOT_ENCODED in frames:
        for _, source, passage in _passages(frames[NOT_ENCODED], texts):
            if passage.holds(texts[source]):
                spans.setdefault(source, set()).add((passage.start, passage.end))
    return spans


QUOTED, LISTED, UNACCOUNTED = "quoted", "not encoded", "unaccounted"


def accounting(package: DataPackage, frames: dict[str, pd.DataFrame], texts: dict[str, str],
               pin: _Pinner | None = None, quoted: dict[str, set[tuple[int, int]]] | None = None) -> dict[str, list[tuple[Sentence, str]]]:
    """Every sentence of every source text with how it is accounted for: ``quoted`` (a row quotes
    it, wholly or in part), ``not encoded`` (it lies wholly in a passage of ``not_encoded``) or
    ``unaccounted``. Rows whose quote (or passage) is not at its offset account for nothing. (*quoted*:
    the spans the relationship rows quote, when they are known already.)"""
    pin = pin or _Pinner(texts)
    if quoted is None:
        quoted = _pinned_quotes(package, frames, pin, package.relationship_tables)
    listed = _listed(frames, texts)
    result = {}
    for source, text in texts.items():
        overlaps, within = _Spans(quoted.get(source, set())), _Spans(listed.get(source, set()))
        found = []
        for sentence in sentences(text):
            if overlaps.overlap(sentence.start, sentence.end):
                status = QUOTED
            elif within.cover(sentence.start, sentence.end):
                status = LISTED
            else:
                status = UNACCOUNTED
            found.append((sentence, status))
        result[source] = found
    return result


def _pinned_quotes(package: DataPackage, frames: dict[str, pd.DataFrame], pin: _Pinner,
                   tables: list[str]) -> dict[str, set[tuple[int, int]]]:
    """The spans of the quotes of *tables* that lie where their rows say, by source."""
    spans: dict[str, set[tuple[int, int]]] = {}
    for table in tables:
        for source, quote, start in rows(frames[table], ["source_id", "quote", "quote_start"]):
            pinned = pin.find(source, quote, start)
            if pinned is not None and not pinned.problem:
                spans.setdefault(str(source), set()).add((pinned.start, pinned.end))
    return spans


class _Spans:
    """Spans sorted by start with the furthest end reached so far, so that whether any span
    overlaps, or covers, a range is one binary search (accounting stays linear in rows and
    sentences rather than their product)."""

    def __init__(self, spans: set[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []
        for _, end in ordered:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def _furthest(self, count: int) -> int:
        """The furthest end of the first *count* spans (-1 when there are none)."""
        return self.reach[count - 1] if count else -1

    def overlap(self, start: int, end: int) -> bool:
        """Whether a span begins before *end* and ends after *start*."""
        return self._furthest(bisect.bisect_left(self.starts, end)) > start

    def cover(self, start: int, end: int) -> bool:
        """Whether a span begins at or before *start* and ends at or after *end*."""
        return self._furthest(bisect.bisect_right(self.starts, start)) >= end


def _integer(value: object) -> int | None:
    """An offset written as text, or None where it is missing or not a number (the type rule reports those)."""
    if isinstance(value, str):  # (the tables are read as text)
        return csvio.integer(value)
    if value is None or isinstance(value, float):  # missing, as a raw table holds it (asked first: the abstract check is slow)
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)  # (a loaded table holds numbers)
    return None  # missing (None, NaN or NA)


class _Pinner:
    """Finds quotes at their offsets, once for each distinct (source, quote, start) of the last
    65,536 looked up (rows quoting the same place are many; holding every quote is not needed)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.locate = functools.lru_cache(maxsize=1 << 16)(self._locate)

    def find(self, source: object, quote: object, start: object) -> Pinned | None:
        """Where *quote* lies, or None when the row cannot be pinned at all (unknown source, no
        quote, no offset: other rules report those)."""
        offset = _integer(start)
        if source not in self.texts or not isinstance(quote, str) or offset is None:
            return None
        return self.locate(str(source), quote, offset)

    def _locate(self, source: str, quote: str, offset: int) -> Pinned:
        return self._pin(self.texts[source], quote, offset, source)

    @staticmethod
    def _pin(text: str, quote: str, start: int, source: str) -> Pinned:
        found = span(quote, text, start)
        if found:
            return Pinned(*found)
        elsewhere = starts(quote, text)
        if not elsewhere:
            return Pinned(0, 0, ("quote-not-found", f"the quote occurs nowhere in sources/{source}.txt"))
        places = ", ".join(map(str, elsewhere[:3]))
        return Pinned(0, 0, ("quote-offset", f"the quote begins at {places} in sources/{source}.txt, not at {start}"))


def _unpinned(pinned: Pinned, table: str, row: object, quote: object, start: object) -> Problem:
    """The problem of a quote that is not where its row says: named on the quote when it occurs
    nowhere, on quote_start when it occurs elsewhere."""
    rule, message = pinned.problem or ("", "")
    column, value = ("quote", quote) if rule == "quote-not-found" else ("quote_start", start)
    return declared(rule).problem(message, table, str(row), column, str(value))


def _accepted_names(package: DataPackage, frames: dict[str, pd.DataFrame]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The distinct folded names, synonyms and accepted mentions of every entity, by (table, id)
    (a tuple: an entity has a few, and a set of a few takes four times the memory)."""
    accepted = {}
    for table in package.entity_tables:
        frame = frames[table]
        for entity, name, synonyms, mentions in rows(frame, ["id", "name", "synonyms", "mentions"]):
            labels = [name] if isinstance(name, str) else []
            accepted[(table, entity)] = tuple(dict.fromkeys(fold(label) for label in [*labels, *synonyms, *mentions]))
    return accepted


def _ambiguous_names(accepted: dict[tuple[str, str], tuple[str, ...]]) -> Iterator[Problem]:
    owners: dict[str, list[tuple[str, str]]] = {}
    for entity, keys in accepted.items():
        for key in keys:
            owners.setdefault(key, []).append(entity)
    for key, entities in sorted(owners.items()):
        if len(entities) > 1:
            (table, first), others = entities[0], entities[1:]
            named = ", ".join(f"{t}.{e}" for t, e in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            yield NAME_AMBIGUOUS.problem(f"a name, synonym or accepted mention that folds to {key!r} also names {named}",
                          table, first, "synonyms", key)


def _rows(package: DataPackage, table: str, frame: pd.DataFrame, texts: dict[str, str], pin: _Pinner,
          accepted: dict[tuple[str, str], tuple[str, ...]], used: set[tuple[str, str, str]]) -> Iterator[Problem]:
    found = ends(package, table, frame)
    paragraph_starts = {source: [start for start, _ in paragraphs(text)] for source, text in texts.items()}
    columns = {column: frame[column] for column in ("id", "source_id", "quote", "quote_start")}
    for role in ROLES:  # (read by position below: a dict per row costs more than the checks of most rows)
        columns |= {f"{role}_{part}": frame[f"{role}_{part}"] for part in ("mention", "mention_start")}
        columns |= {f"{role}_{part}": frame[f"{role}_{part}"] if f"{role}_{part}" in frame else
                    pd.Series(None, index=frame.index, dtype=object) for part in EXAMPLE_PARTS}
        columns |= {f"{role}_table": found[f"{role}_table"], f"{role}_end": found[role]}
    per_role = 6  # mention, mention_start, the two example parts, the end's table and entity
    for cells in rows(columns, list(columns)):
        key, source, quote, start = cells[:4]
        pinned = pin.find(source, quote, start)
        if pinned is None:
            continue
        if pinned.problem:
            yield _unpinned(pinned, table, key, quote, start)
            continue
        text = texts[str(source)]
        quoted = text[pinned.start:pinned.end]
        for number, role in enumerate(ROLES):
            mention, mention_start, examples, example_mentions, end_table, end = cells[4 + number * per_role:4 + (number + 1) * per_role]
            yield from _mention(table, str(key), role, (end_table, end), mention, mention_start, text, pinned, quoted,
                                paragraph_starts[str(source)], accepted, used)
            examples, mentions = items(examples), items(example_mentions)
            if examples or mentions:
                yield from _example_mentions(table, str(key), role, examples, mentions, end_table, quoted, accepted, used)


# The columns of a row's named examples of one end: the entities and the words of the quote that name them.
EXAMPLE_PARTS = ("examples", "example_mentions")


def _example_mentions(table: str, row: str, role: str, examples: list[str], mentions: list[str], end_table: object, quoted: str,
                      accepted: dict[tuple[str, str], tuple[str, ...]], used: set[tuple[str, str, str]]) -> Iterator[Problem]:
    """Each named example of the *role* end of *row* has its mention, inside the quote, naming it."""
    column = f"{role}_example_mentions"
    if len(examples) != len(mentions):
        yield EXAMPLE_MENTION.problem(f"{len(examples)} {role} example(s) and {len(mentions)} mention(s): give each example the "
                                      "words of the quote that name it, in the same order", table, row, column,
                                      "|".join(mentions))
        return
    for example, mention in zip(examples, mentions, strict=False):
        if mention not in quoted and not starts(mention, quoted):
            yield EXAMPLE_MENTION.problem(f"the mention of the {role} example {example!r} does not occur inside the quote", table,
                                          row, column, mention)
        elif (str(end_table), example) in accepted and _fold(mention) not in accepted[(str(end_table), example)]:
            yield EXAMPLE_MENTION.problem(f"{mention!r} is not the name, a synonym or an accepted mention of {end_table}.{example}",
                                          table, row, column, mention)
        else:
            used.add((str(end_table), example, _fold(mention)))


def _mention(table: str, row: str, role: str, entity: tuple[str, str], mention: object, mention_start: object, text: str,
             quote: Pinned, quoted: str, paragraph_starts: list[int], accepted: dict[tuple[str, str], tuple[str, ...]],
             used: set[tuple[str, str, str]]) -> Iterator[Problem]:
    start = _integer(mention_start)
    column = f"{role}_mention"
    if not isinstance(mention, str):
        return  # missing: the required rule reports it
    if start is None:
        if mention not in quoted and not starts(mention, quoted):
            yield MENTION_NOT_FOUND.problem(f"the {role} mention does not occur inside the quote; for an antecedent "
                          f"outside it, give {role}_mention_start", table, row, column, mention)
            return
    else:
        found = _span(mention, text, start)
        if found is None:
            yield MENTION_NOT_FOUND.problem(f"the {role} mention does not begin at {role}_mention_start {start}",
                          table, row, f"{role}_mention_start", str(start))
            return
        inside = quote.start <= found[0] and found[1] <= quote.end
        if not inside and not (found[1] <= quote.start and _paragraph(paragraph_starts, found[0]) == _paragraph(paragraph_starts, quote.start)):
            yield MENTION_OUTSIDE_QUOTE.problem(f"the {role} mention lies outside the quote and is not an antecedent "
                          "earlier in the quote's paragraph", table, row, f"{role}_mention_start", str(start))
    key = _fold(mention)
    if entity not in accepted:
        return  # no such entity: the foreign-key rule reports it
    if key not in accepted[entity]:
        yield MENTION_NOT_A_NAME.problem(f"{mention!r} is not the name, a synonym or an accepted mention of "
                      f"{entity[0]}.{entity[1]}", table, row, column, mention)
    else:
        used.add((entity[0], entity[1], key))


# Mentions repeat from row to row, at the same places: each is folded, and found at its place, once
# (of the last 65,536).
_fold = functools.lru_cache(maxsize=1 << 16)(fold)
_span = functools.lru_cache(maxsize=1 << 16)(span)


def _paragraph(paragraph_starts: list[int], offset: int) -> int:
    return bisect.bisect_right(paragraph_starts, offset) - 1


def _unused_mentions(package: DataPackage, frames: dict[str, pd.DataFrame], used: set[tuple[str, str, str]]) -> Iterator[Problem]:
    for table in package.entity_tables:
        frame = frames[table]
        for entity, mentions in zip(frame["id"], frame["mentions"], strict=True):
            for mention in mentions:
                if (table, entity, fold(mention)) not in used:
                    yield MENTION_UNUSED.problem(f"no row names {table}.{entity} by the accepted mention {mention!r}; "
                                  "remove it or use it", table, entity, "mentions", mention)

