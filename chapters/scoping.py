"""Which part of the page tree a user works in: the trees their groups have permissions on."""

from django.db.models import Q
from wagtail.models import GroupPagePermission, Page


def permitted_tree_paths(user) -> list[str] | None:
    """Tree paths of the pages the user's groups hold page permissions on; None = everything."""
    if user.is_superuser:
        return None
    if not user.is_authenticated:
        return []
    return list(
        GroupPagePermission.objects.filter(group__user=user)
        .values_list("page__path", flat=True)
        .distinct()
    )


def in_permitted_trees(user) -> Q | None:
    paths = permitted_tree_paths(user)
    if paths is None:
        return None
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def may_browse(user, page: Page) -> bool:
    """A page inside the user's trees, or an ancestor they pass through to reach them."""
    paths = permitted_tree_paths(user)
    if paths is None:
        return True
    return any(page.path.startswith(path) or path.startswith(page.path) for path in paths)


def reviews(user, page: Page) -> bool:
    """Whether the user takes part in the page's current moderation step (a reviewer may be
    outside the tree: Wagtail's group approval tasks grant access through the task)."""
    task = page.current_workflow_task
    if task is None:
        return False
    task = task.specific
    return task.user_can_access_editor(page, user) or bool(task.get_actions(page, user))


def may_reach_page(user, page: Page) -> bool:
    return may_browse(user, page) or reviews(user, page)
