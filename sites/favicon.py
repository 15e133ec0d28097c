"""A favicon for each site: its logo (a Wagtail rendition) or, without one, its initials in its
colours as SVG. Both views answer for any host and never fail: a logo whose file is missing or
cannot be rendered falls back to the initials."""

from xml.sax.saxutils import escape

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .branding import Brand
from .models import SiteSettings

MAX_AGE = 86400  # a day: a new logo or colour shows up by tomorrow at the latest
SMALL_WORDS = {"a", "an", "and", "for", "of", "the", "to", "in", "on"}


def initials(name: str) -> str:
    """Up to two initials from the site's name, small words skipped: "Connecting for Good
    Coventry" gives "CG", "Connection Coalition" "CC"."""
    words = [word for word in name.split() if word.lower() not in SMALL_WORDS and word[0].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def initials_svg(name: str, background: str, foreground: str = "#ffffff") -> str:
    letters = escape(initials(name))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="{escape(background)}"/>'
        f'<text x="32" y="42" text-anchor="middle" font-family="system-ui, Arial, sans-serif" '
        f'font-size="{30 if len(letters) > 1 else 36}" font-weight="700" '
        f'fill="{escape(foreground)}">{letters}</text></svg>'
    )


def _cached(response):
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def favicon_svg(request):
    """The site's initials in white on its primary colour (a pair site settings keep at AA)."""
    brand = Brand.for_request(request)
    colour = brand.settings.primary_colour if brand.settings else SiteSettings().primary_colour
    svg = initials_svg(brand.name, colour)
    return _cached(HttpResponse(svg, content_type="image/svg+xml; charset=utf-8"))


@require_safe
def favicon(request):
    """/favicon.ico, asked for by browsers and feed readers: the logo's rendition, else the SVG."""
    url = Brand.for_request(request).logo_icon_url or reverse("favicon_svg")
    return _cached(HttpResponseRedirect(url))
