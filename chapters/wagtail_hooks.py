"""Where chapters plug into Wagtail: Admin → Chapters (start one), each editor's admin scoped
to their own sites (reports, page moves, the page chooser, the admin API), documents served and
linked on their own site, and a new chapter's own sections among the provisioning steps."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Site

from . import localize_views, provisioning, translation_status
from .admin import ChapterViewSet
from .admin_views import ScopedDocumentsAdminAPI, ScopedImagesAdminAPI
from .documents import document_site, document_url
from .scoping import in_permitted_trees

NETWORK_WIDE_REPORTS = {"page-types-usage"}


@hooks.register("register_admin_viewset")
def register_chapters():
    """Admin → Chapters: the list and "Start a chapter", for the national team (chapters.admin)."""
    return ChapterViewSet()


@hooks.register("construct_reports_menu")
def hide_network_wide_reports(request, menu_items):
    """Reports that span every site are for superusers (see chapters.admin_views)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in NETWORK_WIDE_REPORTS]


@hooks.register("register_admin_urls")
def register_translation_status_report():
    name = translation_status.URL_NAME
    return [
        path("reports/translation-status/", translation_status.translation_status, name=name),
        path(
            "reports/translation-status/results/",
            translation_status.translation_status_results,
            name=f"{name}_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    """For every editor, as wagtail-localize's "Translations" (deciding per request would cost
    every admin page queries); the report lists the sites the editor works on, or none."""
    return MenuItem(
        _("Translation status"),
        reverse(translation_status.URL_NAME),
        name="translation-status",
        icon_name="wagtail-localize-language",
        order=9010,
    )


# Before wagtail-localize's own (order 0), which would refuse a chapter's story.
hooks.register("before_edit_snippet", localize_views.publish_snippet_translation, order=-1)


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    """Wagtail's move confirmation page checks permission only when the move is POSTed; its GET
    would show any page's draft title to anyone who types the URL."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("construct_page_chooser_queryset")
def choose_pages_of_ones_own_sites(pages, request):
    """The page chooser lists draft titles; an editor chooses among their own site's pages
    (another site's page can still be linked by its public URL)."""
    scope = in_permitted_trees(request.user)
    return pages if scope is None else pages.filter(scope)


@hooks.register("construct_admin_api", order=100)
def scope_admin_api(router):
    """The admin API's images and documents: those the user may choose (Wagtail lists every
    collection's titles and file URLs). Registered after Wagtail's own endpoints, to replace
    them."""
    router.register_endpoint("images", ScopedImagesAdminAPI)
    router.register_endpoint("documents", ScopedDocumentsAdminAPI)


@hooks.register("before_serve_document")
def serve_documents_on_their_own_site(document, request):
    """A chapter's document is served on that chapter's host only, the rest on the national
    host (chapters.documents). Elsewhere: the site's own 404, which does not confirm that the
    document exists."""
    own_site = document_site(document)
    if own_site is None or Site.find_for_request(request) != own_site:
        raise Http404
    return None


class OwnSiteDocumentLinkHandler(DocumentLinkHandler):
    """Rich-text links to a document point at the document's own site (absolute), so a link
    from another site's page or from a newsletter still reaches it."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(document_url(doc))}">' if doc else "<a>"
            for doc in cls.get_many(attrs_list)
        ]


@hooks.register("register_rich_text_features", order=1)  # after wagtail.documents' own
def link_documents_on_their_own_site(features):
    features.register_link_type(OwnSiteDocumentLinkHandler)


# A new chapter's own sections, among the apps' provisioning steps (chapters.provisioning).
hooks.register("provision_chapter_site", provisioning.add_about, order=100)
hooks.register("provision_chapter_site", provisioning.add_get_involved, order=300)
hooks.register("provision_chapter_site", provisioning.add_news, order=400)
hooks.register("provision_chapter_site", provisioning.link_ways_to_get_involved, order=900)
