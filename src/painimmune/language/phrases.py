"""A relation as an English sentence: the phrase templates of the relations table, filled in.

Each relation carries a ``phrase`` and a ``negated_phrase`` (``tables/relations.csv``), such as
``{subject} sensitise{s} {object}`` and ``{subject} {does} not sensitise {object}``. The verb
agrees with the subject's name: ``{s}``, ``{is}`` and ``{does}`` are written ``s``, ``is`` and
``does`` after a singular name and nothing, ``are`` and ``do`` after a plural one.

>>> statement("{subject} sensitise{s} {object}", "TNF-α", "nociceptors")
'TNF-α sensitises nociceptors'
>>> statement("{subject} {does} not contribute to {object}", "mast cells", "fibromyalgia")
'mast cells do not contribute to fibromyalgia'
>>> statement("{subject} {is} elevated in {object}", "autoantibodies", "fibromyalgia")
'autoantibodies are elevated in fibromyalgia'
"""

from __future__ import annotations

import re

_VERB_FORMS = {"s": ("s", ""), "is": ("is", "are"), "does": ("does", "do")}
# The modal verbs a relationship row records (its ``modal_verb``) when its quote states the relation
# with one, so that no heading or summary says it more strongly than the quote.
MODALS = ("can", "could", "may", "might")
_MODAL = re.compile(r"\b(" + "|".join(MODALS) + r")\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{(subject|object|s|is|does)\}")
# Names ending in -s that are singular: diseases and processes (arthritis, gut dysbiosis, multiple
# sclerosis), and words ending in -ss or -us.
_SINGULAR_ENDINGS = ("sis", "tis", "ss", "us", "ics")


def names_list(names: list[str], limit: int = 3) -> str:
    """*names* joined as English lists them: ``a``, ``a and b``, ``a, b and c``, and at most *limit*
    of them named (``a, b, c and 2 more``).

    >>> names_list(["IL-6"]), names_list(["IL-6", "TNF-α"]), names_list(["a", "b", "c", "d", "e"])
    ('IL-6', 'IL-6 and TNF-α', 'a, b, c and 2 more')
    """
    if len(names) > limit:
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def is_plural(name: str) -> bool:
    """Whether the entity name *name* reads as a plural noun (its last word ends in -s, but not in
    the endings of singular nouns such as ``arthritis``, ``gut dysbiosis`` or ``stress``).

    >>> [is_plural(name) for name in ("NSAIDs", "immune cells", "IL-6", "arthritis", "multiple sclerosis", "exercise")]
    [True, True, False, False, False, False]
    """
    word = name.split()[-1] if name.split() else name
    return word.endswith("s") and not word.lower().endswith(_SINGULAR_ENDINGS)


def modal_verbs(text: str) -> list[str]:
    """The modal verbs of :data:`MODALS` that *text* holds, in their order, each once (lower case).

    >>> modal_verbs("microglia can release factors that may modulate neurons, as they can")
    ['can', 'may']
    """
    return list(dict.fromkeys(word.casefold() for word in _MODAL.findall(text)))


def holds_modal_verb(phrase: str) -> bool:
    """Whether *phrase* (a relation's phrase template) says the relation with a modal verb of its own.

    >>> holds_modal_verb("{subject} can relieve {object}"), holds_modal_verb("{subject} release{s} {object}")
    (True, False)
    """
    return phrase.startswith(tuple(f"{{subject}} {word} " for word in (*MODALS, "cannot")))


def with_modality(phrase: str, modality: str | None) -> str:
    """*phrase* (a relation's phrase or negated phrase) said with the modal verb *modality* of a row
    (``can``, ``could``, ``may``, ``might``), as its quote says it; *phrase* itself without one, or
    when the relation already holds one (``can relieve``).

    >>> with_modality("{subject} sensitise{s} {object}", "can"), with_modality("{subject} {is} recruited by {object}", "may")
    ('{subject} can sensitise {object}', '{subject} may be recruited by {object}')
    >>> with_modality("{subject} {does} not sensitise {object}", "can"), with_modality("{subject} {is} not elevated in {object}", "might")
    ('{subject} cannot sensitise {object}', '{subject} might not be elevated in {object}')
    >>> statement(with_modality("{subject} sensitise{s} {object}", "can"), "TNF-α", "nociceptors")
    'TNF-α can sensitise nociceptors'
    """
    head = "{subject} "
    if not modality or not phrase.startswith(head) or holds_modal_verb(phrase):
        return phrase
    body = phrase[len(head):]
    negation = "cannot" if modality == "can" else f"{modality} not"
    for verb, said in (("{does} not ", f"{negation} "), ("{is} not ", f"{negation} be "), ("{is} ", f"{modality} be ")):
        if body.startswith(verb):
            return head + said + body[len(verb):]
    return head + f"{modality} " + body.replace("{s}", "", 1)


def statement(phrase: str, subject: str, object_: str, *, plural: bool | None = None) -> str:
    """*phrase* (a relation's phrase template) with the names *subject* and *object_* filled in and
    the verb made to agree with *subject* (or with *plural*, when the caller knows better: a list of
    names, or "Two sources (...)")."""
    plural = is_plural(subject) if plural is None else plural

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "subject":
            return subject
        if key == "object":
            return object_
        singular_form, plural_form = _VERB_FORMS[key]
        return plural_form if plural else singular_form

    return _PLACEHOLDER.sub(fill, phrase)
