"""contui's themes and the colours it adds to Textual's: one per process/thread state, and one per output tag.

Widgets never hold colours: they style component classes (``state--running``, ``output--tag-3`` ...) whose rules in
``app.tcss`` read these theme variables, so a theme (dark, projector) can change every colour at once.
"""

from __future__ import annotations

from textual.theme import Theme

NORMAL_THEME = "textual-dark"

# Mid-luminance colours: a badge draws its word in the contrasting colour (``color: auto``), and the same colour
# as a foreground (timeline glyphs) reads on dark and light backgrounds.
STATE_COLOURS: dict[str, str] = {
    "running": "#5fd75f",
    "sleeping": "#87afd7",
    "blocked": "#d32f2f",
    "joining": "#e0b000",
    "zombie": "#9c27b0",
    "stopped": "#ff9800",
    "held": "#f48fb1",
    "exited": "#808080",
    "terminated": "#c2185b",
    "killed": "#c62828",
    "daemon-killed": "#a0522d",
    "orphaned": "#26c6da",
    "failed-exit": "#ff8a65",
}
# The Output pane tags each process's lines with one of these (a tag's word is drawn in the contrasting colour).
OUTPUT_TAG_COLOURS: tuple[str, ...] = (
    "#1565c0", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#455a64", "#c62828", "#283593", "#558b2f",
)

VARIABLE_DEFAULTS: dict[str, str] = {
    **{f"state-{name}": colour for name, colour in STATE_COLOURS.items()},
    **{f"output-tag-{i}": colour for i, colour in enumerate(OUTPUT_TAG_COLOURS)},
}

PROJECTOR_THEME = Theme(
    name="contui-projector",
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#00E5FF",
    warning="#FFB000",
    error="#FF5050",
    success="#3CFF3C",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
    text_alpha=1.0,
    # Brighter than the defaults: a projector washes colours out.
    variables={"state-running": "#3cff3c", "state-sleeping": "#5fafff", "state-blocked": "#ff3030",
               "state-joining": "#ffd700", "state-exited": "#a0a0a0"},
)


# For a washed-out projector, or a bright room: black on white, the state colours darker so that a glyph drawn in one
# (the timeline's) still stands out on white.
PROJECTOR_LIGHT_THEME = Theme(
    name="contui-projector-light",
    primary="#0037DA",
    secondary="#8000A0",
    accent="#8000A0",
    warning="#B35900",
    error="#C00000",
    success="#007A00",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E6E6E6",
    dark=False,
    text_alpha=1.0,
    variables={"state-running": "#008800", "state-sleeping": "#1f5fbf", "state-blocked": "#c00000",
               "state-joining": "#9a7000", "state-zombie": "#7b1fa2", "state-stopped": "#c55a00",
               "state-exited": "#606060", "state-held": "#c2185b", "state-orphaned": "#00838f",
               "state-daemon-killed": "#7a3b16"},
)
LIGHT_THEME = "textual-light"
THEMES = (PROJECTOR_THEME, PROJECTOR_LIGHT_THEME)  # contui's own, registered by the app


def theme_for(projector: bool, light: bool = False) -> str:
    """The theme for the mode and the brightness asked for (``b`` switches dark and light)."""
    if projector:
        return PROJECTOR_LIGHT_THEME.name if light else PROJECTOR_THEME.name
    return LIGHT_THEME if light else NORMAL_THEME
