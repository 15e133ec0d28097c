"""An issue rendered as an email: its web blocks made email blocks (links absolute, rich text
also as plain text, images as renditions), the HTML and plain-text versions, and the subject.

The personal links (preferences, unsubscribe) are left as placeholders, filled per recipient
by fill_links: one rendering serves every subscriber of a language. Used by the sending
pipeline (one Rendering row per language), the test email and the admin's email preview.
"""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple

import css_inline
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.coreutils import get_dummy_request
from wagtail.models import Locale, Site
from wagtail.rich_text import expand_db_html

from cms.core.mail import one_line
from sites.models import SiteSettings, public_name

from .models import NewsletterIssuePage, NewsletterList

# Personal links, left in the rendering and filled per recipient by fill_links().
PREFERENCES_PLACEHOLDER = "%%NEWSLETTER_PREFERENCES_URL%%"
UNSUBSCRIBE_PLACEHOLDER = "%%NEWSLETTER_UNSUBSCRIBE_URL%%"

EMAIL_IMAGE_RENDITION = "width-1200"  # shown at 600 px: sharp on high-density screens
EMAIL_IMAGE_WIDTH = 600
EMAIL_LOGO_RENDITION = "max-480x160"  # shown at most 240 x 80 px

# The stylesheet of newsletter/email/issue.html moved into style attributes: many mail clients
# (Gmail's apps, Outlook) drop or mangle <style>. Made once; reused for every rendering.
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


class RenderedIssue(NamedTuple):
    subject: str
    html: str
    text: str


@dataclass
class EmailBlock:
    """One StreamField block made ready for the email templates: links absolute, rich text
    also as plain text, images as renditions."""

    type: str
    value: object
    data: dict = field(default_factory=dict)

    @property
    def html_template(self) -> str:
        return f"newsletter/email/blocks/{self.type}.html"

    @property
    def text_template(self) -> str:
        return f"newsletter/email/blocks/{self.type}.txt"


def issue_site(issue: NewsletterIssuePage) -> Site:
    """The site an issue belongs to (a preview of an unsaved page falls back to the default)."""
    site = issue.get_site() if issue.pk or issue.path else None
    return site or Site.objects.get(is_default_site=True)


def issue_in_language(issue: NewsletterIssuePage, language: str) -> NewsletterIssuePage:
    """The issue's translation into `language` if it has a live one, else the issue itself."""
    if not issue.pk or issue.locale.language_code == language:
        return issue
    locale = Locale.objects.filter(language_code=language).first()
    translation_page = issue.get_translation_or_none(locale) if locale else None
    if translation_page is not None and translation_page.live:
        return translation_page.specific
    return issue


def site_home_url(site: Site, language: str) -> str:
    """The site's home page in `language` if it has a live one there, else its home."""
    root = site.root_page
    locale = Locale.objects.filter(language_code=language).first()
    if locale is not None and root.locale_id != locale.pk:
        translated = root.get_translation_or_none(locale)
        if translated is not None and translated.live:
            return translated.get_full_url() or site.root_url
    return site.root_url


def language_note(page: NewsletterIssuePage, language: str) -> dict:
    """What the email says about its language: the language its content is in and, when the
    issue has no version in the reader's language, the names (in the reader's language) for
    the line that says so at the top."""
    content_language = page.locale.language_code if page.pk else language
    if content_language == language:
        return {"content_language": content_language, "not_translated": False}
    with translation.override(language):
        return {
            "content_language": content_language,
            "not_translated": True,
            "wanted_language_name": get_language_info(language)["name_translated"],
            "content_language_name": get_language_info(content_language)["name_translated"],
        }


def absolute(url: str, root_url: str) -> str:
    """Links in an email must be absolute: /path becomes the site's own URL."""
    if url.startswith("/") and not url.startswith("//"):
        return root_url.rstrip("/") + url
    return url


_RELATIVE_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def absolutise_html(html: str, root_url: str) -> str:
    root = root_url.rstrip("/")
    return _RELATIVE_ATTRIBUTE.sub(lambda match: f'{match[1]}{root}{match[2]}"', html)


class _TextExtractor(HTMLParser):
    """Rich text to readable plain text: paragraphs and headings apart, list items dashed,
    each link followed by its address."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "figure"}

    def __init__(self, root_url: str):
        super().__init__(convert_charrefs=True)
        self.root_url = root_url
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            url = absolute(href, self.root_url)
            if url and not url.startswith("#") and url != label:
                self.parts.append(f" ({url})")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str, root_url: str = "") -> str:
    extractor = _TextExtractor(root_url)
    extractor.feed(html)
    extractor.close()
    return extractor.text()


def _link_url(page, url: str, request) -> str:
    if page is not None:
        page = page.specific
        return page.localized.get_full_url(request) or ""
    return url or ""


def _image_data(image, root_url: str) -> dict:
    rendition = image.get_rendition(EMAIL_IMAGE_RENDITION)
    scale = min(1.0, EMAIL_IMAGE_WIDTH / rendition.width) if rendition.width else 1.0
    return {
        "url": absolute(rendition.url, root_url),
        "width": round(rendition.width * scale),
        "height": round(rendition.height * scale),
    }


def email_block(block, request, root_url: str) -> EmailBlock | None:
    """Prepare one block of the issue's body for the email templates."""
    kind, value = block.block_type, block.value
    if kind == "heading":
        return EmailBlock(kind, value, {"text": value["text"], "level": value["level"]})
    if kind == "paragraph":
        html = absolutise_html(expand_db_html(value.source), root_url)
        return EmailBlock(kind, value, {"html": html, "text": html_to_text(html, root_url)})
    if kind == "image":
        image = value["image"]
        if image is None:
            return None
        data = _image_data(image, root_url)
        data.update(
            alt="" if getattr(image, "decorative", False) else image.contextual_alt_text,
            caption=value["caption"],
            credit=value["credit"],
        )
        return EmailBlock(kind, value, data)
    if kind == "call_to_action":
        url = _link_url(value["page"], value["url"], request)
        if not url:
            return None
        return EmailBlock(kind, value, {"label": value["label"], "url": url})
    if kind == "news_links":
        links = []
        for link in value["links"]:
            url = _link_url(link["page"], link["url"], request)
            title = link["title"] or (link["page"].title if link["page"] else url)
            if url:
                links.append({"title": title, "url": url, "summary": link["summary"]})
        return EmailBlock(kind, value, {"heading": value["heading"], "links": links})
    if kind == "featured_stories":
        stories = []
        for story, url in block.block.story_links(value, request):
            stories.append(
                {
                    "title": story.title,
                    "url": absolute(url, root_url),
                    "quote": story.quote,
                    "attribution": story.attribution,
                    "town": story.town,
                    "image": _image_data(story.image, root_url) if story.image else None,
                    "image_alt": story.image_alt,
                }
            )
        if not stories:
            return None
        return EmailBlock(kind, value, {"heading": value["heading"], "stories": stories})
    # A block type added later without an email template: its web rendering, made absolute.
    html = absolutise_html(str(block.render(context={"request": request})), root_url)
    return EmailBlock("fallback", value, {"html": html, "text": html_to_text(html, root_url)})


def email_logo(site_settings: SiteSettings):
    """The image a newsletter shows as the site's logo: its logo for emails, else its logo
    unless that is an SVG (Gmail and Outlook do not show SVG: then the site's name), or None."""
    for image in (site_settings.email_logo, site_settings.logo):
        if image is not None and not image.is_svg():
            return image
    return None


def site_branding(site: Site, root_url: str) -> dict:
    """What makes the email look like the site and say who sends it: the logo (an absolute
    rendition URL, its alt text), the colours, the footer and the sender's postal address."""
    site_settings = SiteSettings.for_site(site)
    name = public_name(site, site_settings)
    logo, image = None, email_logo(site_settings)
    if image is not None:
        rendition = image.get_rendition(EMAIL_LOGO_RENDITION)
        # At most 240 x 80 on screen (half the rendition: sharp on high-density screens).
        scale = min(1.0, 240 / (rendition.width or 240), 80 / (rendition.height or 80))
        logo = {
            "url": absolute(rendition.url, root_url),
            "width": round(rendition.width * scale),
            "height": round(rendition.height * scale),
            "alt": getattr(image, "description", "") or name,
        }
    return {
        "sender_name": name,
        "logo": logo,
        "primary_colour": site_settings.primary_colour,
        "accent_colour": site_settings.accent_colour,
        "footer_text": site_settings.footer_text,
        "postal_address": site_settings.postal_address.strip(),
        "contact_email": site_settings.contact_email,
    }


def inline_css(html: str) -> str:
    """The email's <style> rules written into each element's style attribute."""
    return _INLINER.inline(html)


def render_issue(issue: NewsletterIssuePage, language: str, request=None) -> RenderedIssue:
    """The issue as an email in `language`: subject, HTML and plain text, with the personal
    links left as placeholders (see fill_links and newsletter.message).

    Rendered as seen from the issue's own site (links, featured stories), whatever host
    `request` (the admin's, for a preview) came from; `request` is not otherwise used.
    """
    site = issue_site(issue)
    page = issue_in_language(issue, language)
    root_url = site.root_url
    site_request = get_dummy_request(site=site)
    site_request._wagtail_site = site  # no host lookup: the request is the site's by definition
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    list_name = newsletter_list.name if newsletter_list else (site.site_name or site.hostname)
    with translation.override(language):
        blocks = [email_block(block, site_request, root_url) for block in page.body]
        context = {
            "language": language,
            "subject": page.subject,
            "preheader": page.preheader,
            "title": page.title,
            "blocks": [block for block in blocks if block is not None],
            "list_name": list_name,
            "site_name": site.site_name or site.hostname,
            "site_url": site_home_url(site, language),
            # The archive copy: sending publishes it, so the preview shows the link too.
            "web_url": page.get_full_url(site_request) or "",
            "preferences_url": PREFERENCES_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
            **site_branding(site, root_url),
            **language_note(page, language),
        }
        html = inline_css(render_to_string("newsletter/email/issue.html", context))
        text = render_to_string("newsletter/email/issue.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return RenderedIssue(one_line(page.subject), absolutise_html(html, root_url), text)


def fill_links(rendered, *, preferences_url: str, unsubscribe_url: str) -> RenderedIssue:
    """Put the personal links into a rendering (a Rendering row or a RenderedIssue); the
    admin's preview can pass any URLs it likes."""
    html = rendered.html.replace(PREFERENCES_PLACEHOLDER, escape(preferences_url)).replace(
        UNSUBSCRIBE_PLACEHOLDER, escape(unsubscribe_url)
    )
    text = rendered.text.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
        UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
    )
    return RenderedIssue(rendered.subject, html, text)
