"""Where the network dashboard plugs into the Wagtail admin: the Network menu item and its
pages (a ViewSet), and the panel on the dashboard."""

from wagtail import hooks

from .admin.viewsets import NetworkAdminViewSet
from .panels import NetworkPanel


@hooks.register("register_admin_viewset")
def register_network_admin():
    return NetworkAdminViewSet()


@hooks.register("construct_homepage_panels")
def add_network_panel(request, panels):
    panels.append(NetworkPanel())
