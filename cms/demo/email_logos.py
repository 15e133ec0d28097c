"""PNG versions of the demo sites' SVG logos (cms/demo/logos.py), for newsletters: Gmail and
Outlook do not show SVG. The same marks and words, drawn with Pillow at twice the size the email
shows them, on the same white ground."""

import io

from PIL import Image, ImageDraw, ImageFont
from wagtail.models import Site

from sites.models import SiteSettings

from .media import get_or_create_image

SCALE = 2  # drawn at twice the email's size: sharp on high-density screens


def _canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (width * SCALE, height * SCALE), "#ffffff")
    return image, ImageDraw.Draw(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _words(draw, x: int, lines: list[tuple[str, str]]) -> None:
    font = ImageFont.load_default(size=25 * SCALE)
    for (text, colour), y in zip(lines, (16, 44), strict=False):
        draw.text((x * SCALE, y * SCALE), text, fill=colour, font=font)


def connection_coalition_png(primary: str = "#2b2d6e", accent: str = "#c0265f") -> bytes:
    """Two linked rings, then "Connection Coalition" on two lines."""
    image, draw = _canvas(260, 80)
    for cx, colour in ((40, primary), (70, accent)):
        box = [(cx - 24) * SCALE, 16 * SCALE, (cx + 24) * SCALE, 64 * SCALE]
        draw.ellipse(box, outline=colour, width=9 * SCALE)
    _words(draw, 108, [("Connection", primary), ("Coalition", accent)])
    return _png(image)


def connecting_for_good_png(primary: str = "#00695c", accent: str = "#bf360c") -> bytes:
    """The heart with two hands joined across it."""
    image, draw = _canvas(80, 80)
    s = SCALE
    draw.ellipse([12 * s, 10 * s, 42 * s, 40 * s], fill=primary)
    draw.ellipse([38 * s, 10 * s, 68 * s, 40 * s], fill=primary)
    draw.polygon([(14 * s, 32 * s), (66 * s, 32 * s), (40 * s, 70 * s)], fill=primary)
    draw.line([(24 * s, 38 * s), (56 * s, 38 * s)], fill="#ffffff", width=7 * s)
    draw.ellipse([35 * s, 33 * s, 45 * s, 43 * s], fill=accent)
    return _png(image)


def ensure_email_logo(site: Site, title: str, png: bytes, filename: str, collection, alt: str):
    """The site's logo for emails, once: an editor's own choice is left alone."""
    site_settings = SiteSettings.for_site(site)
    if site_settings.email_logo_id is not None:
        return
    site_settings.email_logo = get_or_create_image(title, png, filename, collection, alt)
    site_settings.save(update_fields=["email_logo"])
