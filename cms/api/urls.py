"""/api/v2/ (Wagtail's router: pages, stories, members; the OpenAPI description) and /oembed/."""

from django.urls import path, re_path
from wagtail.api.v2.router import WagtailAPIRouter

from . import views
from .members import MembersAPIViewSet
from .pages import SitePagesAPIViewSet
from .stories import StoriesAPIViewSet

api_router = WagtailAPIRouter("network_api")
api_router.register_endpoint("pages", SitePagesAPIViewSet)
api_router.register_endpoint("stories", StoriesAPIViewSet)
api_router.register_endpoint("members", MembersAPIViewSet)

urlpatterns = [
    path("api/v2/openapi.json", views.openapi, name="api_openapi"),
    path("api/v2/", api_router.urls),
    # Any other address under /api/v2/ (e.g. /api/v2/pages/-1/): a JSON 404, not the site's page.
    re_path(r"^api/v2/", views.api_not_found),
    path("oembed/", views.oembed, name="oembed"),
]
