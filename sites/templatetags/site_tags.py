"""Template filters of the site's brand: the themed template names to try."""

from django import template

from ..branding import themed as themed_names

register = template.Library()


@register.filter
def themed(template_name: str, theme: str | None) -> list[str]:
    """`{% include "includes/header.html"|themed:brand.theme %}` tries the site's theme first."""
    return themed_names(template_name, theme)


@register.simple_tag(takes_context=True)
def language_links(context):
    brand = context.get("brand")
    if brand is None:
        return []
    return brand.language_links(context.get("page"))


@register.simple_tag(takes_context=True)
def hreflang_alternates(context):
    """`<link rel="alternate" hreflang>` targets of the page being shown (Brand.alternates)."""
    brand = context.get("brand")
    if brand is None:
        return []
    return brand.alternates(context.get("page"))


@register.simple_tag(takes_context=True)
def page_link(context, page):
    """`{% page_link page as link %}`: link.url and link.lang (the hreflang to set, if any) of a
    link from content to `page`, in the reader's language where it is translated."""
    brand = context.get("brand")
    if brand is None or page is None:
        return None
    return brand.page_link(page)
