"""The <link rel="alternate" type="application/json+oembed"> of a story page, a campaign page
or a news article, so a member's Wagtail or WordPress site finds our oEmbed by the URL pasted
into it. Nothing on other pages, previews or drafts; no query."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html

from cms.core.models import CampaignPage, NewsArticlePage


def _embedded_title(context) -> str | None:
    """The title of what this page shows that oEmbed serves, else None."""
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False) or context.get("is_preview"):
        return None
    story = context.get("story")
    if story is not None:
        return story.title
    page = context.get("page")
    if isinstance(page, CampaignPage | NewsArticlePage):
        return page.title
    return None


def oembed_discovery_link(context) -> str:
    title = _embedded_title(context)
    if title is None:
        return ""
    request = context["request"]
    query = urlencode({"url": request.build_absolute_uri(request.path), "format": "json"})
    href = request.build_absolute_uri(reverse("oembed")) + "?" + query
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">', href, title
    )
