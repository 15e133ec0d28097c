"""Where the coalition plugs into Wagtail: its members and join requests in the admin, and its
members in the site search."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import JoinRequestViewSet, MemberViewSet
from .search import search_members

register_snippet(MemberViewSet)


@hooks.register("register_admin_viewset")
def register_join_requests():
    return JoinRequestViewSet()


# Members in the search of a site that has the member directory (sites.search).
hooks.register("register_site_search_results", search_members)
