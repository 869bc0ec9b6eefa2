"""Bash completion of colon commands (``db:migrate:dev``).

Bash splits the words it completes at ``:`` (``COMP_WORDBREAKS``), so a partly typed ``db:migrate:d`` reaches the
program as the words ``db``, ``:``, ``migrate``, ``:``, ``d`` and the candidates would be wrong. Before
the completion runs, :func:`rejoin_bash_words` glues the pieces back together; the candidates are then
printed without the part before the last colon, which bash has already on the line (what
bash-completion's ``__ltrim_colon_completions`` does).
"""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping


def rejoin_bash_words(env: MutableMapping[str, str]) -> str:
    """Rewrite ``COMP_WORDS``/``COMP_CWORD`` in ``env`` with colon-split words joined; return the prefix
    (up to the last colon of the word being completed) that bash keeps on the line."""
    raw = env.get("COMP_WORDS", "")
    words = raw.split("\n") if "\n" in raw else raw.split(" ")
    try:
        cword = int(env.get("COMP_CWORD", "0"))
    except ValueError:
        return ""
    joined: list[str] = []
    split = [False]  # per joined word: bash had split it at a colon
    current = 0
    glue = False
    for i, word in enumerate(words):
        if joined and (word == ":" or glue):
            joined[-1] += word
            split[-1] = True
        else:
            joined.append(word)
            split.append(False)
        glue = word == ":"
        if i == cword:
            current = len(joined) - 1
    if cword >= len(words):  # completing a new, empty word after the last one
        current = len(joined)
    env["COMP_WORDS"] = "\n".join(joined)
    env["COMP_CWORD"] = str(current)
    if current >= len(joined) or not split[current + 1]:
        return ""  # bash did not split this word: it replaces all of it
    word = joined[current]
    return word[: word.rfind(":") + 1]


def run_bash_completion(app: Callable[[], object]) -> None:
    """Run ``app`` as the completion back end for bash, colon commands included."""
    import contextlib
    import io
    import sys

    prefix = rejoin_bash_words(os.environ)
    buffer = io.StringIO()
    code: str | int | None = 0
    with contextlib.redirect_stdout(buffer):
        try:
            app()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, (str, int)) or exc.code is None else 1
    for line in buffer.getvalue().splitlines():
        sys.stdout.write((line[len(prefix) :] if prefix and line.startswith(prefix) else line) + "\n")
    sys.exit(code)
