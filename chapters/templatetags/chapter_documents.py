"""{% document_url %}: a document's link on its own site (chapters.documents)."""

from django import template
from wagtail.models import Site

from ..documents import document_site
from ..documents import document_url as own_site_url

register = template.Library()


@register.simple_tag(takes_context=True)
def document_url(context, document) -> str:
    """{% document_url document %}: the document's link, served only on its own site
    (chapters.documents): relative on that site, absolute on its host anywhere else (another
    site's page, a newsletter)."""
    if not document:
        return ""
    request = context.get("request")
    site = document_site(document)
    if request is not None and site is not None and Site.find_for_request(request) == site:
        return document.url
    return own_site_url(document)
