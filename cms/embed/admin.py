"""Admin → "Embed": what an editor gives member organisations to put the campaign on their own
websites: the snippets for each of the editor's sites (its list's signup, its stories, "Join
the movement"), a live preview of them, and the oEmbed address of each story the site shows.

The sites offered are those whose home page the editor may edit (all for a superuser): a
`?site=` naming another one shows the editor's first site instead.
"""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.auth import permission_denied
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Locale, Site
from wagtail.permissions import page_permission_policy

from cms.stories.models import Story, StoryIndexPage
from newsletter.models import NewsletterList

STORIES_LISTED = 50
PREVIEW_SOURCE = "embed-preview"


def editors_sites(user):
    """The sites whose home page the user may edit (Wagtail's page permissions: a chapter's
    editors their chapter's, a superuser every site)."""
    editable = page_permission_policy.instances_user_has_permission_for(user, "change")
    return (
        Site.objects.filter(root_page__in=editable.values("pk"))
        .select_related("root_page")
        .order_by("-is_default_site", "site_name")
    )


@dataclass
class Snippet:
    name: str
    label: str
    code: str


def snippets(site: Site, newsletter_list: NewsletterList | None) -> list[Snippet]:
    root = site.root_url
    found = [
        Snippet(
            "script",
            _("Once per page, before the closing </body>"),
            f'<script src="{root}/embed.js" async></script>',
        ),
    ]
    if newsletter_list is not None:
        found.append(
            Snippet(
                "signup",
                _("Newsletter signup (put your organisation's name in data-source)"),
                f'<div data-connection-widget="signup" data-list="{newsletter_list.slug}" '
                'data-source="your-organisation"></div>',
            )
        )
    found += [
        Snippet(
            "stories",
            _("The latest stories (data-scope: site, local or network; data-theme; data-limit)"),
            '<div data-connection-widget="stories" data-limit="3"></div>',
        ),
        Snippet("join", _("Join the movement"), '<div data-connection-widget="join"></div>'),
    ]
    return found


def oembed_url(site: Site, story_url: str) -> str:
    return f"{site.root_url}/oembed/?" + urlencode({"url": story_url, "format": "json"})


def stories_with_oembed(site: Site) -> list[tuple[Story, str, str]]:
    """(story, its address on the site, its oEmbed address), the latest first."""
    default = Locale.get_default()
    index = StoryIndexPage.for_site(site, default.pk)
    if index is None:
        return []
    base = index.get_full_url()
    stories = (
        Story.objects.visible_on(site)
        .filter(locale=default)
        .order_by("-consent_given_on", "-pk")[:STORIES_LISTED]
    )
    found = []
    for story in stories:
        url = base + index.reverse_subpage("story", args=[story.slug])
        found.append((story, url, oembed_url(site, url)))
    return found


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_GET
def embed_view(request):
    sites = list(editors_sites(request.user))
    if not sites:
        return permission_denied(request)
    chosen = str(request.GET.get("site", ""))
    site = next((s for s in sites if str(s.pk) == chosen), sites[0])
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    response = TemplateResponse(
        request,
        "embed/admin/embed.html",
        {
            "sites": sites,
            "site": site,
            "newsletter_list": newsletter_list,
            "snippets": snippets(site, newsletter_list),
            "stories": stories_with_oembed(site),
            "preview_source": PREVIEW_SOURCE,
            "page_title": _("Embed"),
            "header_icon": "code",
        },
    )
    # The preview's widgets call the site's own host (another origin than the admin's when it
    # is a chapter's): the admin's policy lets this page, and only it, reach that host.
    origin = _origin(site.root_url)
    update = {"connect-src": [origin], "img-src": [origin]}
    report_only = getattr(settings, "SECURITY_CSP_REPORT_ONLY", False)
    setattr(response, "_csp_update_ro" if report_only else "_csp_update", update)
    return response


class EmbedViewSet(ViewSet):
    """The "Embed" item of the admin menu and its page (/admin/embed/). The item is shown to
    every editor without asking the database (every admin page draws the menu); the page
    refuses one who may edit no site's home."""

    name = "embed_admin"
    url_prefix = "embed"
    icon = "code"
    menu_label = _("Embed")
    menu_name = "embed"
    menu_order = 290
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [path("", embed_view, name="index")]
