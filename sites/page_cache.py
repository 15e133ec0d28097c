"""The page cache per site: what a site's pages are cached under, and what purges them.

Every cached response of a site (its pages in every language, sitemap.xml, robots.txt,
theme.css) is stored under the tag ``site:<id>`` (cms.core.page_cache). A page's menu, footer
and listings can show any other page of its site, so a change to one page purges its whole
site, and only its site: publishing, unpublishing, moving (both sites) or deleting a page,
saving the site's settings, texts or menu labels, or the Site itself. The features purge the
sites that show what they change through `purge_sites` (a network story: every site; a member:
every site with a member directory).

The same purge reaches an HTTP cache in front (Varnish, Cloudflare, CloudFront), when
WAGTAILFRONTENDCACHE is configured (settings: FRONTEND_CACHE_*): every URL the site caches is
sent to Wagtail's frontend cache (wagtail.contrib.frontend_cache), through Django's task
framework. A routable page names its sub-pages with Wagtail's `get_cached_paths`.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from cms.core import page_cache

from .models import NavigationItem, NavigationItemLabel, SiteSettings, SiteText

EXTRA_PATHS = ("/sitemap.xml", "/robots.txt", "/theme.css")


def site_tag(site_or_id) -> str:
    return f"site:{getattr(site_or_id, 'pk', site_or_id)}"


def allow_for_site(request, site) -> None:
    """This request's response may be cached until `site` is purged."""
    if site is not None:
        page_cache.allow(request, site_tag(site))


def allow_page(page, request) -> None:
    """A page served to a visitor is cached. A page behind a password or a login never
    reaches a visitor without a session (the only ones cached): Wagtail's own hook answers
    them with its password form or a redirect to sign in, and that is what is cached (a
    redirect is not). Adding or removing a restriction purges the site (`connect`)."""
    if not page_cache.is_capturing() or getattr(request, "is_preview", False):
        return
    allow_for_site(request, Site.find_for_request(request))


# --- purging ---------------------------------------------------------------------------------


def site_ids_of_page(page) -> set[int]:
    """The sites whose tree holds `page`, in any of their languages' trees."""
    return {
        root.site_id
        for root in Site.get_site_root_paths()
        if page.url_path and page.url_path.startswith(root.root_path)
    }


def purge_sites(site_ids) -> None:
    """The page cache of these sites, now (and after the transaction, in case a page was
    built from the data being changed in between); their URLs in the HTTP cache in front."""
    site_ids = {int(site_id) for site_id in site_ids if site_id is not None}
    if not site_ids or not caching():
        return
    tags = [site_tag(site_id) for site_id in site_ids]
    if page_cache.seconds() > 0:
        page_cache.purge(*tags)
        transaction.on_commit(lambda: page_cache.purge(*tags))
    if get_backends():
        transaction.on_commit(lambda: purge_frontend(site_ids))


def caching() -> bool:
    """Is there a cache to purge: the page cache, or an HTTP cache in front?"""
    return page_cache.seconds() > 0 or bool(get_backends())


def purge_all_sites() -> None:
    if caching():
        purge_sites(Site.objects.values_list("pk", flat=True))


def purge_frontend(site_ids) -> None:
    """Every URL these sites' pages answer at (live pages, their routes), plus the site files."""
    batch = PurgeBatch()
    for site in Site.objects.filter(pk__in=site_ids).select_related("root_page"):
        roots = Page.objects.filter(translation_key=site.root_page.translation_key)
        for root in roots:
            batch.add_pages(Page.objects.live().descendant_of(root, inclusive=True).specific())
        batch.add_urls(site.root_url.rstrip("/") + path for path in EXTRA_PATHS)
    batch.purge()


# --- what purges ---------------------------------------------------------------------------


def _page_changed(sender, instance, **kwargs):
    purge_sites(site_ids_of_page(instance))


def _page_moving(sender, instance, **kwargs):
    instance._page_cache_sites_before = site_ids_of_page(instance)


def _page_moved(sender, instance, url_path_before="", url_path_after="", **kwargs):
    before = getattr(instance, "_page_cache_sites_before", set())
    instance.url_path = url_path_after or instance.url_path
    purge_sites(before | site_ids_of_page(instance))


def _restriction_changed(sender, instance, **kwargs):
    purge_sites(site_ids_of_page(instance.page))


def _setting_changed(sender, instance, **kwargs):
    purge_sites([_site_id_of(instance)])


def _site_id_of(instance):
    if isinstance(instance, Site):
        return instance.pk
    if isinstance(instance, SiteSettings):
        return instance.site_id
    if isinstance(instance, NavigationItemLabel):
        return getattr(getattr(instance.item, "settings", None), "site_id", None)
    return getattr(getattr(instance, "settings", None), "site_id", None)


def connect() -> None:
    """Called from the app's ready(): the purges above."""
    page_published.connect(_page_changed, dispatch_uid="page_cache.published")
    page_unpublished.connect(_page_changed, dispatch_uid="page_cache.unpublished")
    pre_delete.connect(_page_changed, sender=Page, dispatch_uid="page_cache.deleted")
    pre_page_move.connect(_page_moving, dispatch_uid="page_cache.moving")
    post_page_move.connect(_page_moved, dispatch_uid="page_cache.moved")
    for signal in (post_save, post_delete):
        signal.connect(
            _restriction_changed, sender=PageViewRestriction, dispatch_uid=f"pc.restrict.{signal}"
        )
    for model in (Site, SiteSettings, SiteText, NavigationItem, NavigationItemLabel):
        for signal in (post_save, post_delete):
            signal.connect(_setting_changed, sender=model, dispatch_uid=f"page_cache.{model}")
