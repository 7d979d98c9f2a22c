"""The curation worksheet: from a source text to candidate rows a curator reviews.

``painimmune curate worksheet SOURCE_ID --out FILE.csv`` writes, for ``sources/<SOURCE_ID>.txt``,
one CSV a curator opens in a spreadsheet. This module owns what the worksheet holds and how it is
found; :mod:`painimmune.curate.apply` owns reading a reviewed worksheet back. Nothing here writes
into the package.

The worksheet has one line per ``kind``:

- ``sentence``: every sentence of the source that no row quotes and no ``not_encoded`` span holds
  (:func:`painimmune.validation.grounding.accounting`, so the sentences are those validation counts),
  its text in ``text`` and its offset in ``start``. A curator may set ``decision`` to ``not encoded``,
  with ``not_encoded_kind`` and ``reason`` (and may widen ``text``/``start`` to a longer span).
- ``mention``: each entity mention found in that sentence: the words (``text``, ``start``) and the
  entity (``table``, ``entity``). Every name, synonym and accepted mention of every entity is looked
  for, compared by :func:`painimmune.language.folding.fold` as ``painimmune about`` does. Where the
  sentence refers back (``these cells``, ``this response``, ``it``), the mentions of the nearest earlier
  sentence of its paragraph that has any are listed as antecedents (``cues`` says so, and ``start`` is
  their place). Words that look like an entity but name none (a capitalised term, an acronym, a
  name with digits such as ``IL-17``, a known suffix such as ``-kine``, ``-itis``, ``-cyte``, or ``receptor``, ``inhibitor``) are listed with
  an empty ``entity`` as possible new entities: add them to their entity table before applying.
- ``candidate``: for each pair of mentioned entities whose tables a relationship table joins (read
  from the Table Schemas' ``assertion``), a row of that table: ``subject``, ``object``, the sentence
  as quote (``text``, ``start``), the mentions, the cited references of the sentence's ``[n]``
  markers, and the evidence level, direction and species context the rubric
  (:class:`~painimmune.language.rubric.Rubric`, the one validation applies) gives the sentence.
  ``relation`` and the other qualifiers are suggested only from an explicit cue (the relation's own
  words, a phase, the name of an anatomical term in the sentence), and otherwise left for the
  curator; ``cues`` names every cue that fired, and the conditions the sentence names besides the
  row's ends (a possible disease context). A curator sets ``decision`` to ``accept`` or ``reject``,
  and may shorten the quote (the rubric then grades the shorter quote, and a cue of the sentence
  left outside it must be named in the note, as validation requires).

The columns after ``object`` are the fields every relationship table shares
(``schemas/shared/fields.json``, :func:`painimmune.graph.shared_fields`), ``quote`` and
``quote_start`` written as ``text`` and ``start``: a shared field added there is a column here.

Cells that a spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``, ``@``, ``|``, a
tab, a carriage return or a full-width form of one, even behind characters that do not show) are written with one leading apostrophe, which
:func:`painimmune.escape.spreadsheet_unescape` removes again;
:mod:`painimmune.curate.apply` refuses such a cell without it. The file is UTF-8 with a
byte-order mark, so that spreadsheets read it as UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from painimmune.destination import check_output_file, check_output_place
from painimmune.errors import DataError
from painimmune.escape import spreadsheet_cell
from painimmune.graph import entity_type, relationship_tables, shared_fields
from painimmune.language.folding import fold
from painimmune.language.markers import sentence_markers
from painimmune.language.phrases import modal_verbs
from painimmune.language.sentences import Sentence
from painimmune.loader import load_all
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import installed_root, read_terms
from painimmune.package.schemas import AssertionColumns, enum, foreign_keys
from painimmune.validation.grounding import UNACCOUNTED, accounting
from painimmune.validation.rubric_rules import Grader
from painimmune.validation.source_texts import CITED_REFERENCE, source_texts

# The worksheet's own columns, before the relationship tables' shared fields and after them.
HEAD = ("kind", "decision", "source_id", "sentence_start", "text", "start", "table", "entity", "subject", "relation", "object")
TAIL = ("not_encoded_kind", "reason", "cues")
# Table columns that the worksheet holds under another name.
RENAMED = {"quote": "text", "quote_start": "start"}
SENTENCE, MENTION, CANDIDATE = "sentence", "mention", "candidate"
ACCEPT, REJECT, NOT_ENCODED_DECISION = "accept", "reject", "not encoded"
# Words that refer back to something named earlier in the paragraph ("These cells", "this response").
ANAPHORS = frozenset({"these", "this", "those", "it", "its", "they", "their", "them"})
# What makes an unknown word look like the name of an entity: these endings of a word (cytokine,
# arthritis, astrocyte, macrophage, microglia, fibromyalgia, neuropathy, tanezumab, tofacitinib,
# kinase), or these head nouns, taken with the word before them ("TRPV1 receptor").
NEW_ENTITY_SUFFIXES = ("kine", "itis", "cyte", "phage", "glia", "algia", "pathy", "mab", "tinib", "ase")
HEAD_NOUNS = frozenset({"receptor", "inhibitor", "antagonist", "agonist", "blocker", "antibody"})
# Words of a relation that are no cue for it ("is recruited by": the cue is "recruited").
FUNCTION_WORDS = frozenset({"is", "are", "to", "by", "in", "of", "the", "for", "with"})
_WORD = re.compile(r"[^\W_]+")
_TERM = re.compile(r"[^\W_](?:[\w\-]*[^\W_])?")
# The qualifier columns the worksheet suggests values for, and the table of the disease context.
SPECIES, ANATOMY, CONDITIONS = "species_context_qualifier", "anatomical_context_qualifier", "conditions"


@dataclass(frozen=True)
class Mention:
    """Words of the source that name an entity, or that may name one not yet in the tables."""

    text: str
    start: int
    table: str | None  # None: a possible new entity
    entity: str | None
    how: str  # name, synonym, accepted mention, antecedent (of ...), possible new entity (...)

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Candidate:
    """A suggested row of a relationship table, with the cues that suggested its values."""

    table: str
    subject: Mention
    object: Mention
    relation: str | None
    qualifiers: dict[str, str]  # qualifier column -> value as written (a list's items joined by '|')
    cited_refs: list[str]
    evidence_level_id: str
    direction: str
    modal_verb: str  # the first modal verb of the sentence, for the curator to keep or clear
    cues: list[str]


@dataclass
class SentenceWork:
    """One unaccounted sentence with what was found in it."""

    sentence: Sentence
    mentions: list[Mention] = field(default_factory=list)
    antecedents: list[Mention] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


def columns(package: DataPackage) -> tuple[str, ...]:
    """The worksheet's columns for *package*: its own (:data:`HEAD`), the fields every relationship
    table shares (``quote`` and ``quote_start`` as ``text`` and ``start``), then :data:`TAIL`."""
    shared = [RENAMED.get(column, column) for column in shared_fields(package)]
    return (*HEAD, *(column for column in shared if column not in HEAD), *TAIL)


@dataclass
class Worksheet:
    """The worksheet of one source: its unaccounted sentences, in order, and its columns."""

    source_id: str
    sentences: list[SentenceWork]
    columns: tuple[str, ...]

    def candidates(self) -> Iterator[tuple[Sentence, Candidate]]:
        """Every candidate with its sentence."""
        for work in self.sentences:
            for candidate in work.candidates:
                yield work.sentence, candidate

    def rows(self) -> list[dict[str, str]]:
        """The worksheet's lines as dicts of its :attr:`columns` (unescaped text)."""
        lines = []
        for work in self.sentences:
            sentence = work.sentence
            base = {"source_id": self.source_id, "sentence_start": str(sentence.start)}
            lines.append({**base, "kind": SENTENCE, "text": sentence.text, "start": str(sentence.start)})
            for mention in [*work.mentions, *work.antecedents]:
                lines.append({**base, "kind": MENTION, "text": mention.text, "start": str(mention.start),
                              "table": mention.table or "", "entity": mention.entity or "", "cues": mention.how})
            for candidate in work.candidates:
                lines.append({**base, **_candidate_cells(sentence, candidate)})
        return [{column: line.get(column, "") for column in self.columns} for line in lines]

    def to_csv(self) -> bytes:
        """The worksheet as CSV: UTF-8 with a byte-order mark (so that spreadsheets read it as UTF-8),
        a header row, formula-like cells escaped (:func:`painimmune.escape.spreadsheet_cell`)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(self.columns)
        writer.writerows([spreadsheet_cell(line[column]) for column in self.columns] for line in self.rows())
        return buffer.getvalue().encode("utf-8-sig")


def _candidate_cells(sentence: Sentence, candidate: Candidate) -> dict[str, str]:
    def start(mention: Mention) -> str:
        inside = sentence.start <= mention.start and mention.end <= sentence.end
        return "" if inside else str(mention.start)

    return {"kind": CANDIDATE, "text": sentence.text, "start": str(sentence.start), "table": candidate.table,
            "subject": candidate.subject.entity or "", "relation": candidate.relation or "", "object": candidate.object.entity or "",
            **candidate.qualifiers,
            "subject_mention": candidate.subject.text, "subject_mention_start": start(candidate.subject),
            "object_mention": candidate.object.text, "object_mention_start": start(candidate.object),
            "cited_refs": "|".join(candidate.cited_refs), "evidence_level_id": candidate.evidence_level_id,
            "direction": candidate.direction, "modal_verb": candidate.modal_verb, "cues": "; ".join(candidate.cues)}


class Finder:
    """Everything the worksheet of a package needs: its entity names, relationship tables, rubric
    and source texts, read once."""

    def __init__(self, path: str | Path | DataPackage | None = None) -> None:
        """Read the package at *path* (tables are loaded without the hash check, so a curator's
        unbuilt edits, such as a new entity, are seen).

        Raises:
            DataError: a table does not match its Table Schema.
        """
        self.package = path if isinstance(path, DataPackage) else DataPackage(path)
        self.frames = load_all(self.package.root, verify=False)
        self.grader = Grader(self.frames)
        self.notes: list[str] = []
        self.texts, problems = source_texts(self.package, self.frames["sources"], self.notes)
        self.text_problems = {problem.row: problem.message for problem in problems}
        self.names = _name_index(self.package, self.frames)
        self.longest = max((len(_WORD.findall(label)) for label in self.names.labels), default=1) + 1
        self.joins = _joins(self.package, self.frames)
        self.places = _places(self.package, self.frames)
        self.columns = columns(self.package)

    def text(self, source_id: str) -> str:
        """The text of document *source_id*.

        Raises:
            DataError: *source_id* is no document of ``sources``, or its text is missing, unreadable or
                changed since its sha256 was recorded.
        """
        sources = self.frames["sources"]
        documents = sources.loc[sources["type"] != CITED_REFERENCE, "id"].tolist()
        if source_id not in documents:
            raise DataError(f"{source_id!r} is no document of tables/sources.csv; add its bibliographic record first "
                            f"(documents: {', '.join(documents)})")
        if source_id not in self.texts:
            raise DataError(self.text_problems.get(source_id) or "; ".join(self.notes) or f"no text for {source_id!r}")
        return self.texts[source_id]

    def worksheet(self, source_id: str) -> Worksheet:
        """The worksheet of document *source_id*: its unaccounted sentences, their mentions and candidates."""
        text = self.text(source_id)
        found = accounting(self.package, self.frames, {source_id: text})[source_id]
        refs = self._cited_references(source_id)
        carried = sentence_markers(text)
        works: list[SentenceWork] = []
        previous: dict[int, list[Mention]] = {}  # paragraph -> known mentions of its latest sentence that has any
        for sentence, status in found:
            mentions = self.mentions(sentence)
            known = [mention for mention in mentions if mention.entity]
            antecedents = []
            if previous.get(sentence.paragraph) and ANAPHORS & {word.casefold() for word in _WORD.findall(sentence.text)}:
                here = {mention.entity for mention in known}
                antecedents = [Mention(m.text, m.start, m.table, m.entity, f"antecedent ({m.how}) of a word that refers back")
                               for m in previous[sentence.paragraph] if m.entity not in here]
            if known:
                previous[sentence.paragraph] = known
            if status == UNACCOUNTED:
                work = SentenceWork(sentence, mentions, antecedents)
                work.candidates = self.candidates(sentence, known, antecedents, refs, carried[(sentence.start, sentence.end)])
                works.append(work)
        return Worksheet(source_id, works, self.columns)

    def mentions(self, sentence: Sentence) -> list[Mention]:
        """The entity mentions in *sentence*, in order (a mention inside a longer one of the same entity
        table is dropped: "pain" in "neuropathic pain"), then the words that may name a new entity."""
        text = sentence.text
        words = list(_WORD.finditer(text))
        matches = []
        for first in range(len(words)):
            for last in range(first, min(first + self.longest, len(words))):
                start, end = words[first].start(), words[last].end()
                for table, entity, how in self.names.get(fold(text[start:end])):
                    matches.append((start, end, table, entity, how))
        kept = [match for match in matches
                if not any(other[2] == match[2] and other[0] <= match[0] and match[1] <= other[1] and other[1] - other[0] > match[1] - match[0]
                           for other in matches)]
        kept.sort(key=lambda match: (match[0], -match[1]))
        mentions = [Mention(text[start:end], sentence.start + start, table, entity, how) for start, end, table, entity, how in kept]
        covered = [(start, end) for start, end, *_ in kept]
        return mentions + list(self._possible_new(sentence, covered))

    def _possible_new(self, sentence: Sentence, covered: list[tuple[int, int]]) -> Iterator[Mention]:
        text = sentence.text
        heading = sum(char.isupper() for char in text) > sum(char.islower() for char in text)
        terms = list(_TERM.finditer(text))
        for number, term in enumerate(terms):
            word = term.group()
            if any(start < term.end() and term.start() < end for start, end in covered) or len(word) < 2 or word.isdigit():
                continue
            folded = fold(word)
            why = None
            if number + 1 < len(terms) and fold(terms[number + 1].group()) in HEAD_NOUNS:
                continue  # named with its head noun ("TRPV1 receptor"), below
            if folded in HEAD_NOUNS and number:
                before = terms[number - 1]
                if not any(start < before.end() and before.start() < end for start, end in covered):
                    yield Mention(text[before.start():term.end()], sentence.start + before.start(), None, None,
                                  f"possible new entity ({folded})")
                continue
            if folded.endswith(NEW_ENTITY_SUFFIXES) and len(folded) > 5:
                why = f"-{next(suffix for suffix in NEW_ENTITY_SUFFIXES if folded.endswith(suffix))}"
            elif not heading and any(char.isupper() for char in word[1:]):
                why = "acronym or mixed case"
            elif any(char.isdigit() for char in word) and any(char.isalpha() for char in word):
                why = "letters and digits"
            elif not heading and word[0].isupper() and term.start() > 0 and text[:term.start()].rstrip()[-1:] not in ":.;•":
                why = "capitalised"
            if why:
                yield Mention(word, sentence.start + term.start(), None, None, f"possible new entity ({why})")

    def candidates(self, sentence: Sentence, known: list[Mention], antecedents: list[Mention],
                   refs: dict[str, str], carried: list[str]) -> list[Candidate]:
        """The candidate rows of *sentence*: one per relationship table, subject and object that its
        mentions (and, paired with one of those, its antecedents) allow, first mentions first. Two
        mentions of one entity table in one list (only commas, brackets and words such as "and",
        "or", "e.g." between them: "cytokines (e.g. IL-1β, TNF-α)") are coordinated, not related,
        and make no candidate."""
        grading = self.grader.grade(sentence.text)
        (grade, grade_cue), (direction, direction_cue), (species, species_cue) = grading.level, grading.direction, grading.species
        cited = [refs[number] for number in carried if number in refs]
        common = [f"grade: {grade_cue!r}" if grade_cue else "grade: no cue (the level without cues)",
                  f"species context: {species_cue!r}" if species_cue else f"species context: {species} (no cue)"]
        if direction_cue:
            common.append(f"direction: {direction_cue!r} (if it does not negate the relation: supports, and a note "
                          f"\"'{direction_cue.casefold()}' does not negate ...\")")
        modals = modal_verbs(sentence.text)
        if modals:
            common.append(f"modal verb: {modals[0]!r} (if it does not govern the relation: empty, and a note "
                          f"\"'{modals[0]}' does not bear on this relation: ...\")")
        words = fold_words(sentence.text)
        places = [curie for phrase, curie in self.places.items() if phrase in words]
        if places:
            common.append(f"anatomical context: {', '.join(dict.fromkeys(places))}")
        found: dict[tuple[str, str, str], Candidate] = {}
        pairs = [(a, b) for a in known for b in [*known, *antecedents] if a.entity != b.entity]
        pairs += [(b, a) for a in known for b in antecedents if a.entity != b.entity]
        free = _blank(sentence, known)  # the words of the sentence outside its mentions: where a relation's cue may be
        for subject, obj in pairs:
            if subject.table == obj.table and _coordinated(sentence, subject, obj, known):
                continue
            for table, join in self.joins.items():
                if subject.table != join.subject_table or obj.table not in join.object_tables:
                    continue
                key = (table, str(subject.entity), str(obj.entity))
                if key in found:
                    continue
                first, second = sorted((subject, obj), key=lambda mention: mention.start)
                between = free[max(first.end - sentence.start, 0):max(second.start - sentence.start, 0)]
                relation, relation_cues = join.relation(free, between)
                qualifiers, qualifier_cues = join.qualifiers(free)
                qualifiers[SPECIES] = species
                if places:
                    qualifiers[ANATOMY] = "|".join(dict.fromkeys(places))
                others = [m.entity for m in known if m.table == CONDITIONS and m.entity not in (subject.entity, obj.entity)]
                context_cues = [f"disease context? the sentence also names {', '.join(map(str, dict.fromkeys(others)))}"] if others else []
                found[key] = Candidate(table, subject, obj, relation, qualifiers, cited, grade, direction, modals[0] if modals else "",
                                       [*relation_cues, *qualifier_cues, *context_cues, *common])
        return list(found.values())

    def _cited_references(self, source_id: str) -> dict[str, str]:
        """The ids of the references *source_id* cites, by their number (its ``[n]`` markers)."""
        sources = self.frames["sources"]
        cited = sources[(sources["cited_by"] == source_id) & sources["reference_number"].notna()]
        return {str(int(number)): str(reference) for reference, number in zip(cited["id"], cited["reference_number"], strict=True)}


class _Names:
    """Folded names, synonyms and accepted mentions, each with the entities it names."""

    def __init__(self) -> None:
        self.index: dict[str, list[tuple[str, str, str]]] = {}
        self.labels: list[str] = []

    def add(self, label: str, table: str, entity: str, how: str) -> None:
        owners = self.index.setdefault(fold(label), [])
        if all((table, entity) != owner[:2] for owner in owners):
            owners.append((table, entity, how))
        self.labels.append(label)

    def get(self, key: str) -> list[tuple[str, str, str]]:
        return self.index.get(key, []) if key else []


def _name_index(package: DataPackage, frames: dict[str, pd.DataFrame]) -> _Names:
    names = _Names()
    for table in package.entity_tables:
        frame = frames[table]
        for entity, name, synonyms, mentions in zip(frame["id"], frame["name"], frame["synonyms"], frame["mentions"], strict=True):
            for labels, how in (([name], "name"), (synonyms, "synonym"), (mentions, "accepted mention")):
                for label in labels:
                    names.add(label, table, entity, how)
    return names


@dataclass(frozen=True)
class Join:
    """What a relationship table joins, read from its Table Schema: the entity table of its subject,
    those of its object columns, its relations and the allowed values of its qualifiers."""

    columns: AssertionColumns
    subject_table: str
    object_tables: dict[str, str]  # entity table -> object column
    relations: list[str]
    qualifier_values: dict[str, list[str]]

    def relation(self, text: str, between: str) -> tuple[str | None, list[str]]:
        """The relation whose own words all occur in *text* (the one with most words if several do,
        then the one whose words lie *between* the two mentions), and the cue; None, with the
        competing relations as cues, when none does or several tie."""
        matched = {}
        for relation in self.relations:
            cues = [_stem(word) for word in _WORD.findall(relation.casefold()) if word not in FUNCTION_WORDS]
            if cues and _holds(text, cues):
                matched[relation] = (len(cues), _holds(between, cues))
        if not matched:
            return None, ["relation: no cue; choose one"]
        best = max(matched.values())
        top = [relation for relation, rank in matched.items() if rank == best]
        if len(top) == 1:
            return top[0], [f"relation: the words of {top[0]!r}"]
        return None, [f"relation: cues of {' and '.join(repr(r) for r in top)}; choose one"]

    def qualifiers(self, text: str) -> tuple[dict[str, str], list[str]]:
        """Each qualifier whose allowed value, exactly one, occurs in *text* (as whole words)."""
        found, cues = {}, []
        for column, values in self.qualifier_values.items():
            present = [value for value in values if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE)]
            if len(present) == 1:
                found[column] = present[0]
                cues.append(f"{column}: {present[0]!r}")
        return found, cues


def _stem(word: str) -> str:
    """The leading letters of *word* that its inflections share (``releases``: ``relea``)."""
    return word[:max(4, len(word) - 3)]


def _holds(text: str, stems: list[str]) -> bool:
    """Whether every one of *stems* begins a word of *text*."""
    words = [word.casefold() for word in _WORD.findall(text)]
    return all(any(word.startswith(stem) for word in words) for stem in stems)


def _blank(sentence: Sentence, mentions: list[Mention]) -> str:
    """The sentence's text with its *mentions* blanked out (offsets kept)."""
    text = list(sentence.text)
    for mention in mentions:
        for offset in range(max(mention.start - sentence.start, 0), min(mention.end - sentence.start, len(text))):
            text[offset] = " "
    return "".join(text)


# What may stand between two items of one list: punctuation and the words that join list items.
_LIST_GAP = re.compile(r"(?:[\s,;/()\[\]]|\b(?:and|or|nor|e\.g\.|i\.e\.|such as|like|including|as well as)\b)*", re.IGNORECASE)


def _coordinated(sentence: Sentence, a: Mention, b: Mention, mentions: list[Mention]) -> bool:
    """Whether mentions *a* and *b* of *sentence* are items of one list (only other mentions,
    punctuation and list words such as "and", "or", "e.g." between them)."""
    first, second = sorted((a, b), key=lambda mention: mention.start)
    if not (sentence.start <= first.start and second.end <= sentence.end) or first.end > second.start:
        return False  # an antecedent, or one inside the other: no list
    gap = _blank(sentence, mentions)[first.end - sentence.start:second.start - sentence.start]
    return _LIST_GAP.fullmatch(gap) is not None


def fold_words(text: str) -> str:
    """*text* as folded words between spaces, so that a folded phrase is found as whole words."""
    return " " + " ".join(fold(word) for word in _WORD.findall(text)) + " "


def _places(package: DataPackage, frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The anatomical terms a sentence may name, by their label or exact synonym as folded words:
    the verified terms of the anatomical context column's reference table."""
    schema = package.schema(package.relationship_tables[0]) if package.relationship_tables else {"fields": []}
    reference = next((field.get("referenceTable") for field in schema["fields"] if field["name"] == ANATOMY), None)
    terms = read_terms(installed_root(), reference) if reference else None
    return {fold_words(label): term.curie for term in (terms or {}).values() for label in (term.label, *term.exact_synonyms)}


def _joins(package: DataPackage, frames: dict[str, pd.DataFrame]) -> dict[str, Join]:
    joins = {}
    for table, columns in relationship_tables(package).items():
        joins[table] = Join(columns, entity_type(package, table, columns.subject),
                            {entity_type(package, table, column): column for column in columns.objects},
                            vocabulary(package, frames, table, columns.predicate),
                            {column: list(enum(field) or []) for column in columns.qualifiers
                             for field in package.schema(table)["fields"] if field["name"] == column and enum(field)})
    return joins


def vocabulary(package: DataPackage, frames: dict[str, pd.DataFrame], table: str, column: str) -> list[str]:
    """The values *column* of *table* allows: its enum, or the ids of the table its foreign key
    points to (empty when it says neither)."""
    schema = package.schema(table)
    declared = enum(next(entry for entry in schema["fields"] if entry["name"] == column))
    if declared is not None:
        return list(declared)
    target = next(((resource, key) for name, resource, key in foreign_keys(schema) if name == column), None)
    return [str(value) for value in frames[target[0]][target[1]]] if target else []


def write_worksheet(source_id: str, out: str | Path, path: str | Path | None = None) -> Worksheet:
    """Write the worksheet of document *source_id* of the package at *path* to the file *out*.

    The file is written atomically; a symbolic link standing at *out* is replaced, never written
    through (:class:`~painimmune.output.OutputFolder`). An existing file at *out* is replaced only
    when it is an earlier worksheet (:func:`is_worksheet`).

    Raises:
        OutputRefused: *out* lies inside the package (the tool never writes into it) or in a system
            folder, or is a file that is not a worksheet (:func:`painimmune.destination.check_output_file`).
        DataError: *source_id* is not a document with a text.
    """
    check_output_place(out, is_file=True)  # judged before the package (or a zip) is read
    finder = Finder(path)
    target = check_output_file(out, finder.package.root, "worksheet", is_worksheet)
    worksheet = finder.worksheet(source_id)
    OutputFolder(target.parent).write_bytes(target.name, worksheet.to_csv())
    return worksheet


def is_worksheet(head: bytes) -> bool:
    """Whether *head*, the beginning of a file, is the beginning of a worksheet: a header row whose
    first columns are :data:`HEAD` (UTF-8, with or without a byte-order mark)."""
    try:
        first = head.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return False
    header = next(csv.reader([first]), [])
    return tuple(header[: len(HEAD)]) == HEAD

