"""The language of the source documents, as code: what a sentence is, where a quote lies, how a
name is compared, which words are cues for the rubric and which reference markers a sentence
carries. Validation, the curation report, the views, the website and the worksheet tool all use
these definitions, so that a sentence, a mention, a cue or a grade means the same thing everywhere.

(Named apart from :mod:`painimmune.curate`, the worksheet tool a curator runs, which uses these
definitions.)

- :mod:`.text`: squashed whitespace, and where a quote lies in its source (offsets).
- :mod:`.sentences`: the one definition of a sentence and of a paragraph.
- :mod:`.folding`: the one way names are compared (case, accents, punctuation, plurals).
- :mod:`.rubric`: the evidence level, direction and species context that cue phrases imply.
"""
