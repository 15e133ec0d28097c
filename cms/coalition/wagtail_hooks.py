from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import JoinRequestViewSet, MemberViewSet

register_snippet(MemberViewSet)


@hooks.register("register_admin_viewset")
def register_join_requests():
    return JoinRequestViewSet()
