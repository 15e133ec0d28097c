"""A site's newsletter list is named on its signup forms: a change purges that site's page
cache (sites.page_cache). Connected in NewsletterConfig.ready."""

from django.db.models.signals import post_delete, post_save

from sites.page_cache import purge_sites

from .models.lists import NewsletterList


def _list_changed(sender, instance, **kwargs):
    purge_sites([instance.site_id])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            _list_changed, sender=NewsletterList, dispatch_uid=f"newsletter.page_cache.{signal}"
        )
