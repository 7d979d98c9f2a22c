"""The shared stylesheet made smaller once, at build: comments and needless white space removed.

A conservative stripper rather than a minifier: no CSS or JavaScript minifier is among
painimmune's dependencies, and adding one for about 10 KB of CSS is not worth a dependency. It
removes comments and collapses white space, keeps every string (``content: "⚑ "``) as written,
and drops spaces only beside ``{``, ``}``, ``;``, ``,`` and ``>`` and after ``:``, where CSS never
needs them; it never drops a space before ``:`` (``a :hover`` and ``a:hover`` differ in a
selector) nor one between words or in parentheses (``calc(1rem + 2px)`` needs them).

The JavaScript is copied as written: stripping JavaScript safely needs a tokenizer that knows
regular-expression literals and automatic semicolon insertion, which is a minifier's work; the site's
own scripts are a few KB (what a static host compresses anyway), and the vendored MiniSearch is
loaded only when a reader starts searching.
"""

from __future__ import annotations

import re

# A string, a comment, or a run of white space: the three things the stripper tells apart.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?\*/|\s+', re.DOTALL)
_TIGHT = set("{};,>")


def css(text: str) -> str:
    """*text* (a stylesheet) without comments and with white space collapsed (strings kept)."""
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(text[position:match.start()])
        token = match.group()
        if token.startswith(("'", '"')):
            out.append(token)
        elif token.startswith("/*"):
            out.append(" ")  # a comment separates what it stood between, as white space does
        else:
            out.append(" ")
        position = match.end()
    out.append(text[position:])
    # Second pass over the joined text: drop spaces next to the tight characters, outside strings.
    joined = "".join(out)
    result: list[str] = []
    position = 0
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'| +', joined):
        result.append(joined[position:match.start()])
        token = match.group()
        if token.startswith(("'", '"')):
            result.append(token)
        else:
            before = joined[match.start() - 1] if match.start() else "{"
            after = joined[match.end()] if match.end() < len(joined) else "}"
            if before not in _TIGHT and before != ":" and after not in _TIGHT:
                result.append(" ")
        position = match.end()
    result.append(joined[position:])
    return "".join(result).strip() + "\n"
