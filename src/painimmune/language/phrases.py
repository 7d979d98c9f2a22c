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
