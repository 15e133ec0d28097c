"""The project's URLs: the admin (scoped per site by chapters.admin_guards), documents, the
sites' own endpoints, subscriptions, then every site's pages in their languages."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from chapters.admin_guards import guard_admin_urls
from cms.accounts.password_reset import ThrottledPasswordResetView
from cms.embed import views as embed_views
from sites import favicon as site_favicon
from sites import views as site_views

# Wagtail's admin views that answer for every site are scoped on Wagtail's own URL patterns.
guard_admin_urls(wagtailadmin_urls.urlpatterns)

urlpatterns = [
    # Wagtail's password reset with a per-address and per-client limit (cms/accounts).
    path("admin/password_reset/", ThrottledPasswordResetView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", site_views.sitemap, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("theme.css", site_views.theme_css, name="theme_css"),
    path("favicon.ico", site_favicon.favicon, name="favicon"),
    path("favicon.svg", site_favicon.favicon_svg, name="favicon_svg"),
    path("healthz", site_views.healthz, name="healthz"),
    # Widgets on members' websites (cms/embed): the script, and its JSON endpoints (CORS).
    path("embed.js", embed_views.embed_js, name="embed_js"),
    path("embed/", include("cms.embed.urls")),
    # Other websites' ways in: oEmbed and the read-only JSON API (cms/api), for the asking host.
    path("", include("cms.api.urls")),
    # Email services' bounce/complaint webhooks, verified by django-anymail (newsletter.bounces).
    path("anymail/", include("newsletter.bounces.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("dev/outbox/", site_views.dev_outbox, name="dev_outbox")]
if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(
    path("search/", site_views.search, name="search"),
    # /subscriptions/… in English, /cy/subscriptions/… in Welsh (newsletter.views).
    path("subscriptions/", include("newsletter.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "sites.views.page_not_found"
handler500 = "sites.views.server_error"
