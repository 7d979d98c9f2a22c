"""Curation as code: the source texts and their sentences, names and mentions of entities, and the
rubric's rules. Validation, the curation report, the website and the worksheet tool all use these
definitions, so a sentence, a mention or a grade means the same thing everywhere.

- :mod:`.text`: squashed whitespace, and where a quote lies in its source (offsets).
- :mod:`.sentences`: the one definition of a sentence and of a paragraph.
- :mod:`.folding`: the one way names are compared (case, accents, punctuation, plurals).
- :mod:`.rubric`: the evidence level and direction a quote's cue phrases imply.

The tools a curator runs on top of these definitions and of validation live in
:mod:`painimmune.curate`.
"""
