"""Which site a document belongs to, and so where it is served and linked.

A chapter's documents (its collection and the collections inside it) belong to the chapter's
site; everything else (the root collection, the national toolkit) to the national (default)
site. /documents/<id>/<name> serves a document only on its own site's host, and links to a
document (document blocks, rich text, newsletters) point at that host, so a chapter page can
still link the national toolkit.
"""

from wagtail.models import Site

from .models import Chapter


def document_site(document) -> Site | None:
    collections = document.collection.get_ancestors(inclusive=True)
    chapter = (
        Chapter.objects.select_related("site")
        .filter(collection__in=collections)
        .order_by("-collection__depth")
        .first()
    )
    if chapter is not None:
        return chapter.site
    return Site.objects.filter(is_default_site=True).first()


def document_url(document) -> str:
    """The document's absolute URL on its own site."""
    site = document_site(document)
    return (site.root_url if site is not None else "") + document.url
