"""Where the widgets plug into the admin: the "Embed" page (cms/embed/admin.py)."""

from wagtail import hooks

from .admin import EmbedViewSet


@hooks.register("register_admin_viewset")
def register_embed_admin():
    return EmbedViewSet()
