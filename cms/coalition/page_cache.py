"""A member organisation shows in the directory, on its own page and in every site's search:
a change to one purges every site's page cache (sites.page_cache). Connected in
CoalitionConfig.ready."""

from django.db.models.signals import post_delete, post_save

from sites.page_cache import purge_all_sites

from .models.members import Member


def _member_changed(sender, instance, **kwargs):
    purge_all_sites()


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            _member_changed, sender=Member, dispatch_uid=f"coalition.page_cache.{signal}"
        )
