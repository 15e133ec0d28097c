"""Images and documents the demo needs, drawn here so the repo holds no binary files: member
wordmarks, and the placeholders tests use. The demo's pictures are illustrations
(pictures.py), its sites' logos SVG (logos.py), its toolkit a PDF (toolkit.py)."""

import io
import zlib

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def draw_logo(text: str, background: str, foreground: str = "#ffffff") -> bytes:
    """A wordmark: the organisation's name on its brand colour."""
    font = _font(44)
    probe = ImageDraw.Draw(PILImage.new("RGB", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    width, height = right - left + 48, bottom - top + 40
    image = PILImage.new("RGB", (width, height), background)
    ImageDraw.Draw(image).text((24 - left, 20 - top), text, fill=foreground, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def draw_photo(colours: tuple[str, str], label: str, size=(1200, 800)) -> bytes:
    """A labelled placeholder for tests that need some image file (the label tells test
    pictures apart); the demo's own pictures are pictures.draw_illustration, uncaptioned."""
    width, height = size
    top = PILImage.new("RGB", size, colours[0])
    bottom = PILImage.new("RGB", size, colours[1])
    mask = PILImage.linear_gradient("L").resize(size)
    image = PILImage.composite(bottom, top, mask)
    draw = ImageDraw.Draw(image)
    for index in range(6):
        radius = 60 + index * 25
        x, y = width * (index + 1) // 7, height // 2 + (index % 2) * 80 - 40
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline="#ffffff", width=4)
    draw.rectangle((0, height - 90, width, height), fill="#00000088")
    draw.text((30, height - 70), label, fill="#ffffff", font=_font(36))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text (Helvetica), valid enough for any reader:
    for tests that need some document."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 20 Tf", "56 780 Td", f"({escape(title)}) Tj", "/F1 12 Tf"]
    for line in lines:
        commands += ["0 -22 Td", f"({escape(line)}) Tj"]
    commands.append("ET")
    stream = zlib.compress("\n".join(commands).encode("latin-1", "replace"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def get_or_create_image(title: str, data: bytes, filename: str, collection, alt_text=""):
    Image = get_image_model()
    image = Image.objects.filter(title=title, collection=collection).first()
    if image is None:
        image = Image(
            title=title,
            collection=collection,
            description=alt_text,
            file=ImageFile(io.BytesIO(data), name=filename),
        )
        image.save()
    return image


def get_or_create_document(title: str, data: bytes, filename: str, collection):
    Document = get_document_model()
    document = Document.objects.filter(title=title, collection=collection).first()
    if document is None:
        document = Document(title=title, collection=collection)
        document.file.save(filename, ContentFile(data), save=False)
        document.save()
    return document
