"""Curation tooling: from a new source text to validated rows (``painimmune curate``).

- :mod:`.worksheet`: a source's unaccounted sentences, the entity mentions found in them and the
  candidate rows they suggest, graded by the rubric, as a CSV worksheet a curator reviews in a
  spreadsheet (``painimmune curate worksheet``). It never writes into the package.
- :mod:`.apply`: a reviewed worksheet, treated as untrusted input, written into the tables with
  the next ids, built and validated in a copy first, or refused with nothing changed
  (``painimmune curate apply``).

It sits above :mod:`painimmune.language` (sentences, folding, the rubric) and
:mod:`painimmune.validation` (sentence accounting, the rules), which it uses and never changes.
The workflow for adding a source is in CONTRIBUTING.md.
"""
