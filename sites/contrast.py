"""WCAG 2.1 colour contrast for a site's brand colours, checked where the themes use them.

The themes (static/css/site.css, templates/network_sites/theme.css) put white text on the
primary colour (header, menu, filter buttons) and on the accent colour (buttons, the chapter
banner), primary-coloured links on the page background and on the light card surface, body text
on the background, and accent buttons against the page. Each pair is checked with the WCAG
relative-luminance formula (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WHITE = "#ffffff"
BODY_TEXT = "#1b1b1f"  # --text in static/css/site.css
SURFACE = "#f5f5f7"  # --surface in static/css/site.css: cards, quotes, filters

NORMAL_TEXT = 4.5  # WCAG 2.1 AA, 1.4.3
LARGE_TEXT = 3.0  # WCAG 2.1 AA, 1.4.3 large text, and 1.4.11 for buttons' edges


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of a #rrggbb colour, 0 (black) to 1 (white)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance over the darker's: 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """Rounded down, so a ratio just under the threshold never reads as reaching it."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


@dataclass(frozen=True)
class ColourPair:
    field: str  # the setting an editor changes to fix it
    foreground: str  # a setting's name or a fixed #rrggbb
    background: str
    minimum: float
    description: str


PAIRS = [
    ColourPair("primary_colour", WHITE, "primary_colour", NORMAL_TEXT,
               _("White text on the primary colour (header, menu)")),
    ColourPair("accent_colour", WHITE, "accent_colour", NORMAL_TEXT,
               _("White text on the accent colour (buttons, banner)")),
    ColourPair("primary_colour", "primary_colour", "background_colour", NORMAL_TEXT,
               _("Links in the primary colour on the background colour")),
    ColourPair("primary_colour", "primary_colour", SURFACE, NORMAL_TEXT,
               _("Links in the primary colour on cards (light grey)")),
    ColourPair("background_colour", BODY_TEXT, "background_colour", NORMAL_TEXT,
               _("Body text (near black) on the background colour")),
    ColourPair("accent_colour", "accent_colour", "background_colour", LARGE_TEXT,
               _("Accent buttons against the background colour")),
]  # fmt: skip


@dataclass(frozen=True)
class ContrastFailure:
    field: str
    message: str


def contrast_failures(colours: dict[str, str]) -> list[ContrastFailure]:
    """The pairs that fail AA for these colours (a dict of setting name to #rrggbb)."""
    failures = []
    for pair in PAIRS:
        foreground = colours.get(pair.foreground, pair.foreground)
        background = colours.get(pair.background, pair.background)
        if not all(_is_hex(value) for value in (foreground, background)):
            continue  # the field's own validator reports a malformed colour
        ratio = contrast_ratio(foreground, background)
        if ratio < pair.minimum:
            message = _(
                "%(pair)s has a contrast ratio of %(ratio)s (%(foreground)s on %(background)s); "
                "WCAG AA needs at least %(minimum)s:1. Choose a darker or lighter colour."
            ) % {
                "pair": pair.description,
                "ratio": format_ratio(ratio),
                "foreground": foreground,
                "background": background,
                "minimum": f"{pair.minimum:g}",
            }
            failures.append(ContrastFailure(pair.field, message))
    return failures


def _is_hex(value: str) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
