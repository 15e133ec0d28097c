"""What "Find your local group" shows changes with the chapters: a chapter started or edited,
a chapter site's settings or texts (its name, tagline, languages), its home published or
unpublished, or one of its stories. Each purges the sites that have a live "Find your local
group" page (sites.page_cache), as a national page does not purge otherwise when a chapter
changes. Connected in ChaptersConfig.ready."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.signals import page_published, page_unpublished

from cms.core import page_cache
from cms.stories.models import Story
from sites.models import SiteSettings, SiteText
from sites.page_cache import caching

from .models import Chapter, LocalGroupsPage
from .models.pages import FINDER_TAG


def _purge_frontend() -> None:
    batch = PurgeBatch()
    batch.add_pages(LocalGroupsPage.objects.live())
    batch.purge()


def purge_finders() -> None:
    """Now, and again after the transaction (a finder built in between from the data being
    changed is not kept)."""
    if not caching():
        return
    if page_cache.seconds() > 0:
        page_cache.purge(FINDER_TAG)
        transaction.on_commit(lambda: page_cache.purge(FINDER_TAG))
    if get_backends():
        transaction.on_commit(_purge_frontend)


def _is_chapter_site(site_id) -> bool:
    return site_id is not None and Chapter.objects.filter(site_id=site_id).exists()


def _chapter_changed(sender, instance, **kwargs):
    purge_finders()


def _site_text_changed(sender, instance, **kwargs):
    site_id = instance.site_id if isinstance(instance, SiteSettings) else None
    if site_id is None:
        site_id = getattr(getattr(instance, "settings", None), "site_id", None)
    if caching() and _is_chapter_site(site_id):
        purge_finders()


def _story_changed(sender, instance, **kwargs):
    if caching() and _is_chapter_site(instance.site_id):
        purge_finders()


def _page_changed(sender, instance, **kwargs):
    """A chapter's home going live or not adds it to the list or takes it off."""
    if instance.depth != 2 or not caching():
        return
    homes = Chapter.objects.filter(site__root_page__translation_key=instance.translation_key)
    if homes.exists():
        purge_finders()


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_chapter_changed, sender=Chapter, dispatch_uid=f"chapters.pc.{signal}")
        signal.connect(_story_changed, sender=Story, dispatch_uid=f"chapters.pc.story.{signal}")
        for model in (SiteSettings, SiteText):
            signal.connect(
                _site_text_changed, sender=model, dispatch_uid=f"chapters.pc.{model}.{signal}"
            )
    page_published.connect(_page_changed, dispatch_uid="chapters.pc.published")
    page_unpublished.connect(_page_changed, dispatch_uid="chapters.pc.unpublished")
