"""Greedy wrapping by terminal cells: a wide (CJK) character counts two, Chinese breaks between characters, and no
closing punctuation starts a line. The Narration and Output panes wrap their text with it."""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

# Never at the start of a line (Chinese line-breaking rules): they stay with the character before them.
_CLOSING = set("，。、：；！？）」』》”’,.:;!?)")


def _tokens(text: str) -> list[str]:
    """Words, runs of spaces, and single wide (CJK) characters: a line may break between any two of the last."""
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
            line, used = "", 0
            while size > width:  # a word longer than the line: cut it
                cut = ""
                for ch in token:
                    if cell_len(cut + ch) > width:
                        break
                    cut += ch
                lines.append(cut)
                token = token[len(cut):]
                size = cell_len(token)
            line, used = token, size
        space = ""
    lines.append(line)
    return lines
