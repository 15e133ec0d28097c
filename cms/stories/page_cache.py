"""What a change to the story library purges from the page cache (sites.page_cache): a live
story (or one that was live before this save) shows on its home site, and a network story (or
one that was, before this save) on every site; a theme is in every site's filters. Connected
in StoriesConfig.ready."""

from django.db.models.signals import post_delete, post_save, pre_save

from sites.page_cache import purge_all_sites, purge_sites

from .models.story import Story, Theme


def _remember_reach(sender, instance, **kwargs):
    """What the story was before this save: a draft that was never live shows nowhere."""
    if instance.pk is None:
        instance._shown_before_save = None
        return
    before = Story.objects.filter(pk=instance.pk).values_list("reach", "live").first()
    instance._shown_before_save = before


def _story_changed(sender, instance, **kwargs):
    before = getattr(instance, "_shown_before_save", None)
    if not instance.live and not (before and before[1]):
        return  # a draft, before and after: on no page
    reaches = {instance.reach, before[0] if before else None}
    if Story.Reach.NETWORK in reaches:
        purge_all_sites()
    else:
        purge_sites([instance.site_id])


def _theme_changed(sender, instance, **kwargs):
    purge_all_sites()


def connect() -> None:
    pre_save.connect(_remember_reach, sender=Story, dispatch_uid="stories.page_cache.reach")
    for signal in (post_save, post_delete):
        signal.connect(_story_changed, sender=Story, dispatch_uid=f"stories.page_cache.{signal}")
        signal.connect(_theme_changed, sender=Theme, dispatch_uid=f"themes.page_cache.{signal}")
