"""The demo sites' logos, as SVG: a mark and a wordmark in each organisation's colours.

Drawn here as text so the repository holds no binary files; served as they are (Wagtail's
`preserve-svg`), so they stay sharp at any size. The words are set in the visitor's own sans
serif; the alt text on the <img> says the organisation's name.
"""

from xml.sax.saxutils import escape

FONT = "font-family=\"'Helvetica Neue', Arial, sans-serif\""


def _svg(width: int, height: int, label: str, body: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        # A white ground of its own: the logo reads on the header's brand colour and on white.
        f'<rect width="{width}" height="{height}" rx="12" fill="#ffffff"/>{body}</svg>'
    ).encode()


def connection_coalition_logo(primary: str = "#2b2d6e", accent: str = "#c0265f") -> bytes:
    """Two linked rings (a connection), then the name on two lines."""
    body = (
        f'<circle cx="40" cy="40" r="24" fill="none" stroke="{primary}" stroke-width="9"/>'
        f'<circle cx="70" cy="40" r="24" fill="none" stroke="{accent}" stroke-width="9"/>'
        f'<path d="M 55.5 21.5 A 24 24 0 0 1 55.5 58.5" fill="none" stroke="{primary}" '
        'stroke-width="9"/>'
        f'<text x="108" y="36" {FONT} font-size="25" font-weight="700" fill="{primary}">'
        "Connection</text>"
        f'<text x="108" y="64" {FONT} font-size="25" font-weight="400" fill="{accent}">'
        "Coalition</text>"
    )
    return _svg(260, 80, "Connection Coalition", body)


def community_makes_us_logo(primary: str = "#c0265f", dark: str = "#2b2d6e") -> bytes:
    """The campaign's mark: three figures holding hands inside a house, then its name."""
    people = "".join(
        f'<circle cx="{x}" cy="38" r="6" fill="#ffffff"/>'
        f'<rect x="{x - 6}" y="46" width="12" height="18" rx="5" fill="#ffffff"/>'
        for x in (26, 42, 58)
    )
    body = (
        f'<path d="M 6 36 L 42 8 L 78 36 L 78 74 L 6 74 Z" fill="{primary}"/>'
        f"{people}"
        '<path d="M 30 52 L 38 52 M 46 52 L 54 52" stroke="#ffffff" stroke-width="4"/>'
        f'<text x="92" y="40" {FONT} font-size="24" font-weight="700" fill="{dark}">'
        "Community</text>"
        f'<text x="92" y="68" {FONT} font-size="24" font-weight="700" fill="{primary}">'
        "Makes Us</text>"
    )
    return _svg(240, 80, "Community Makes Us", body)


def connecting_for_good_logo(primary: str = "#00695c", accent: str = "#bf360c") -> bytes:
    """A mark only, a heart with two hands joined across it: the chapter theme spells out the
    chapter's name beside its logo."""
    body = (
        f'<path d="M 40 70 C 8 48 6 26 20 16 C 30 9 40 15 40 25 C 40 15 50 9 60 16 '
        f'C 74 26 72 48 40 70 Z" fill="{primary}"/>'
        f'<path d="M 24 38 L 38 38 M 42 38 L 56 38" stroke="#ffffff" stroke-width="7" '
        'stroke-linecap="round"/>'
        f'<circle cx="40" cy="38" r="5" fill="{accent}"/>'
    )
    return _svg(80, 80, "Connecting for Good Coventry", body)
