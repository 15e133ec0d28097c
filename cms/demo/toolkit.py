"""The Community Makes Us toolkit as a PDF for Coalition members: the campaign's call, its
manifesto, ready-to-post social copy, email copy and how to join, in the seeds' own words.

Built with fpdf2 when the demo is built, so the repository holds no binary file. Its built-in
Helvetica is used in the Windows-1252 encoding, which has the seeds' curly quotes and dashes;
no font file is needed.
"""

import datetime
import io
from dataclasses import dataclass

from fpdf import FPDF

from . import content

MARGIN = 20  # mm


@dataclass(frozen=True)
class ToolkitLinks:
    """Where the toolkit sends people, on the site the demo is served on."""

    campaign: str
    join: str


class _ToolkitPDF(FPDF):
    def __init__(self, colour: tuple[int, int, int]):
        super().__init__(format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.colour = colour
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)

    def footer(self):
        self.set_y(-MARGIN)
        self.set_font("helvetica", size=9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"Community Makes Us toolkit \u2013 page {self.page_no()}", align="C")

    def section(self, title: str) -> None:
        self.add_page()
        self.set_fill_color(*self.colour)
        self.rect(0, 0, self.w, 14, style="F")
        self.set_y(MARGIN + 2)
        self.set_font("helvetica", "B", 22)
        self.set_text_color(*self.colour)
        self.multi_cell(0, 10, title)
        self.ln(4)

    def paragraph(self, text: str, size: int = 12, bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.set_text_color(30, 30, 30)
        self.multi_cell(0, size * 0.55, text)
        self.ln(3)

    def boxed(self, label: str, text: str) -> None:
        """A post or an email, set apart so a member can see where it starts and ends."""
        self.paragraph(label, size=11, bold=True)
        self.set_fill_color(244, 240, 246)
        self.set_font("helvetica", size=12)
        self.multi_cell(0, 6.6, text, fill=True, padding=4)
        self.ln(6)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _cover(pdf: _ToolkitPDF, picture: bytes | None) -> None:
    pdf.add_page()
    pdf.set_fill_color(*pdf.colour)
    pdf.rect(0, 0, pdf.w, 70, style="F")
    pdf.set_xy(MARGIN, 22)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", "B", 32)
    pdf.cell(0, 14, "Community Makes Us", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Campaign toolkit for Connection Coalition members")
    pdf.set_y(80)
    if picture:
        pdf.image(io.BytesIO(picture), x=MARGIN, w=pdf.epw, alt_text=content.TOOLKIT_PICTURE_ALT)
        pdf.ln(6)
    for text in content.TOOLKIT_INTRO:
        pdf.paragraph(text)


def build_toolkit_pdf(links: ToolkitLinks, colour: str = "#c0265f", picture=None) -> bytes:
    """The toolkit: cover, the campaign's call and manifesto, social copy, email copy, how to
    join. `picture` is an optional JPEG for the cover."""
    pdf = _ToolkitPDF(_hex(colour))
    pdf.set_title("Community Makes Us toolkit")
    pdf.set_author("Connection Coalition")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC))  # same each build
    _cover(pdf, picture)
    pdf.section("The campaign")
    for text in [content.CAMPAIGN_INTRO, *content.CAMPAIGN_CALL]:
        pdf.paragraph(text)
    pdf.section("The Community Makes Us Manifesto")
    for text in content.MANIFESTO:
        pdf.paragraph(text)
    pdf.section("Ready-to-post social copy")
    pdf.paragraph("Copy these posts to your own channels, with a link to the campaign:")
    for label, text in content.TOOLKIT_SOCIAL_POSTS:
        pdf.boxed(label, f"{text} {links.campaign}")
    pdf.section("Email copy")
    pdf.paragraph("For your newsletter or an email to your supporters.")
    pdf.boxed("Subject", content.TOOLKIT_EMAIL_SUBJECT)
    pdf.boxed("Message", "\n\n".join([*content.TOOLKIT_EMAIL_BODY, links.campaign]))
    pdf.section("How to join the Connection Coalition")
    for text in content.TOOLKIT_HOW_TO_JOIN:
        pdf.paragraph(text)
    pdf.paragraph(f"Ask to join at {links.join}", bold=True)
    pdf.paragraph(content.WHO_IS_BEHIND, size=10)
    return bytes(pdf.output())
