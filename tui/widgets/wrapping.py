"""Greedy wrapping by terminal cells: a wide (CJK) character counts two, Chinese breaks between characters, and no
closing punctuation starts a line. The Narration and Output panes wrap their text with it."""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

# Never at the start of a line (Chinese line-breaking rules): they stay with the character before them.
_CLOSING = set("，。、：；！？）」』》”’,.:;!?)")


_ASCII_TOKEN = re.compile(r"\s+|\S+")


def _tokens(text: str) -> list[str]:
    """Words, runs of spaces, and single wide (CJK) characters: a line may break between any two of the last."""
    if text.isascii():  # no wide character: a regular expression finds them, not a loop over every character
        return _ascii_tokens(text)
    out: list[str] = []
    word = ""
    for ch in text:
        if ch in _CLOSING and (word or out):
            if word:
                word += ch
            else:
                out[-1] += ch
            continue
        wide = get_character_cell_size(ch) == 2
        if ch.isspace() or wide:
            if word:
                out.append(word)
                word = ""
            if ch.isspace() and out and out[-1].isspace():
                out[-1] += ch
            else:
                out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _ascii_tokens(text: str) -> list[str]:
    """:func:`_tokens` of ASCII text: closing punctuation after a run of spaces goes with the spaces, as there."""
    out: list[str] = []
    for token in _ASCII_TOKEN.findall(text):
        if out and out[-1][-1].isspace() and token[0] in _CLOSING:
            closing = len(token) - len(token.lstrip("".join(_CLOSING)))
            out[-1] += token[:closing]
            token = token[closing:]
            if not token:
                continue
        out.append(token)
    return out


def _cut(token: str, width: int) -> list[str]:
    """A word longer than a line, cut into rows of at most ``width`` cells, in one pass over it."""
    if token.isascii() and token.isprintable():  # a cell a character (a tab or other control character has none)
        return [token[i:i + width] for i in range(0, len(token), width)]
    rows: list[str] = []
    start = used = 0
    for i, ch in enumerate(token):
        size = get_character_cell_size(ch)
        if used + size > width and i > start:
            rows.append(token[start:i])
            start, used = i, 0
        used += size
    rows.append(token[start:])
    return rows


def wrap(text: str, width: int, first: int = 0) -> list[str]:
    """Greedy wrap to ``width`` cells (the first line has ``first`` cells fewer); Chinese breaks between
    characters, where rich and Textual would move the whole unspaced sentence to the next line."""
    width = max(width, 4)
    lines: list[str] = []
    line, used, space = "", first, ""
    for token in _tokens(text):
        if token.isspace():
            space = token if line else ""
            continue
        size = cell_len(token)
        if used + cell_len(space) + size <= width:
            line += space + token
            used += cell_len(space) + size
        else:
            if line or used:
                lines.append(line)
            if size > width:  # a word longer than the line: cut it
                *rows, token = _cut(token, width)
                lines.extend(rows)
                size = cell_len(token)
            line, used = token, size
        space = ""
    lines.append(line)
    return lines
