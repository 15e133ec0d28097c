from django import template

from ..documents import document_url as own_site_url

register = template.Library()


@register.filter
def document_url(document) -> str:
    """{{ document|document_url }}: the link on the document's own site (chapters.documents)."""
    return own_site_url(document) if document else ""
