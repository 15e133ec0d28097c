"""The Network admin's URLs and its menu item, as one Wagtail ViewSet (registered in
cms/network/wagtail_hooks.py): /admin/network/..., URL names in the `network_admin` namespace."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from ..permissions import sees_network
from . import charts, views


class NetworkMenuItem(MenuItem):
    """Shown to those who see every site's figures (the national team)."""

    def is_shown(self, request):
        return sees_network(request.user)


class NetworkAdminViewSet(ViewSet):
    """The table (the menu item's page), its CSV, each measure's chart and CSV, each site's
    charts. Each view checks its own permission (cms/network/permissions.py)."""

    name = "network_admin"
    url_prefix = "network"
    icon = "site"
    menu_label = _("Network")
    menu_name = "network"
    menu_order = 290
    add_to_admin_menu = True
    menu_item_class = NetworkMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.network_view, name="index"),
            path("network.csv", views.network_csv_view, name="csv"),
            path("measures/<slug:slug>/", charts.measure_view, name="measure"),
            path("measures/<slug:slug>/series.csv", charts.measure_csv_view, name="measure_csv"),
            path("sites/<int:site_id>/", charts.site_view, name="site"),
        ]
