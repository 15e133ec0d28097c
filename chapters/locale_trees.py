"""A site's editors work on their site in every language it offers.

Wagtail keeps each language of a site in a tree of its own: the Welsh home is a sibling of the
English one under the tree's root, not inside it, so page permissions granted on the English
home (chapters.provisioning) do not reach the Welsh pages wagtail-localize makes. When a site's
home is copied into another language (wagtail-localize's "Translate this page", or Wagtail's
own copy for translation, both send `copy_for_translation_done`), the groups holding
permissions on the source home get the same permissions on the translated one: a chapter's
editors translate their own site, and nobody gains a tree they did not have.

`repair_child_count` puts right the child count a translated page is published with.
"""

from wagtail.models import GroupPagePermission, Page


def share_permissions_with_translation(source: Page, translation: Page) -> int:
    """Give the groups holding permissions on `source` the same ones on `translation`; how many
    were added. Only a site's home (a child of the tree's root) carries its site's permissions:
    any page deeper inherits them from its own locale's home."""
    if translation.depth != 2 or source.depth != 2:
        return 0
    added = 0
    for permission in GroupPagePermission.objects.filter(page=source):
        _, created = GroupPagePermission.objects.get_or_create(
            group_id=permission.group_id, page=translation, permission_id=permission.permission_id
        )
        added += created
    return added


def share_permissions_after_copy(sender, source_obj, target_obj, **kwargs) -> None:
    """Receiver of Wagtail's `copy_for_translation_done` (connected in chapters.apps)."""
    if isinstance(source_obj, Page) and isinstance(target_obj, Page):
        share_permissions_with_translation(source_obj, target_obj)


def repair_child_count(sender, instance, **kwargs) -> None:
    """Receiver of Wagtail's `page_published` (connected in chapters.apps).

    wagtail-localize publishes a translated page when its transaction commits, from the page
    as it was when its revision was saved. "Translate this page" with its subtree makes the
    children in between, so the home was published with its old child count (0), and Wagtail's
    tree then says it has no children: every Welsh page under it answered 404. The count is
    put right after any publish that left it wrong (one COUNT query)."""
    children = Page.objects.filter(path__startswith=instance.path, depth=instance.depth + 1)
    actual = children.count()
    if actual != instance.numchild:
        Page.objects.filter(pk=instance.pk).update(numchild=actual)
        instance.numchild = actual
