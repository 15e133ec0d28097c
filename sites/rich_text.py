"""Rich text page links in the reader's language (registered in sites/wagtail_hooks.py)."""

from django.utils.html import escape
from wagtail.models import Locale
from wagtail.rich_text.pages import PageLinkHandler

from .page_links import in_reader_language, other_language


class LanguageAwarePageLinkHandler(PageLinkHandler):
    """Rich text page links: Wagtail's own (page.localized) without aliases, with hreflang on a
    link to a page in another language than the reader's."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        reader = Locale.get_active()
        tags = []
        for page in cls.get_many(attrs_list):
            if page is None:
                tags.append("<a>")
                continue
            target = in_reader_language(page, reader)
            lang = other_language(target, reader)
            hreflang = f' hreflang="{escape(lang)}"' if lang else ""
            tags.append(f'<a href="{escape(target.url)}"{hreflang}>')
        return tags
