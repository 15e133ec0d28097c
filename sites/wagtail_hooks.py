"""Where sites plug into Wagtail: a page is served only in the languages its site offers, and
from the page cache to anonymous visitors."""

from wagtail import hooks

from .language_pages import page_for_language
from .page_cache import allow_page
from .rich_text import LanguageAwarePageLinkHandler


@hooks.register("before_serve_page")
def serve_only_in_offered_languages(page, request, serve_args, serve_kwargs):
    """/cy/... must never serve an English page labelled Welsh: Wagtail falls back to the
    default-language tree when a site's home has no live version in the requested language,
    and wagtail-localize fills gaps with aliases. A site that does not offer the language
    answers its English 404; one that does says in that language that the page is not
    translated yet (sites.language_pages)."""
    return page_for_language(request, page)


@hooks.register("before_serve_page", order=-100)
def cache_public_pages(page, request, serve_args, serve_kwargs):
    """Anonymous visitors' pages from the page cache, purged with their site
    (sites.page_cache)."""
    allow_page(page, request)


@hooks.register("register_rich_text_features", order=100)
def page_links_in_the_readers_language(features):
    """After Wagtail's own page link handler (order 0), in its place."""
    features.register_link_type(LanguageAwarePageLinkHandler)
