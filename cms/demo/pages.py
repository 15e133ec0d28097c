"""What the demo builders write pages with: StreamField values (headings, paragraphs, images,
calls to action) and publishing."""

from django.utils.html import escape
from wagtail.models import Page

from cms.core.provisioning import call_to_action


def paragraphs(texts: list[str]) -> str:
    """Rich text from plain paragraphs (already-HTML items such as lists pass through)."""
    return "".join(text if text.startswith("<") else f"<p>{escape(text)}</p>" for text in texts)


def publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def image_block(image, caption="", credit="", alt=""):
    return {
        "type": "image",
        "value": {
            "image": {"image": image.pk, "alt_text": alt or image.title, "decorative": False},
            "caption": caption,
            "credit": credit,
        },
    }


cta = call_to_action  # the demo's short name for it


def heading(text: str, level: str = "h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(texts: list[str]):
    return {"type": "paragraph", "value": paragraphs(texts)}
