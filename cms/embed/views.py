"""The widget's public endpoints: /embed.js, and under /embed/ (CORS, no cookies) the config a
widget starts from and the stories it shows. The signup is in signup.py.

Each answers for the request's own site (the host the script was loaded from) and in the
language the widget asks for when that site offers it. Bad input gets a JSON 4xx, never a 500.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import etag, require_GET
from wagtail.models import Locale, Site

from cms.core.text import query_param
from newsletter.models import NewsletterList

from . import conf, content

SCRIPT = Path(__file__).parent / "static" / "embed" / "embed.js"


def json_error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"message": message, **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@cache
def _script() -> bytes:
    return SCRIPT.read_bytes()


def _script_etag(request) -> str:
    return hashlib.sha256(_script()).hexdigest()[:32]


@require_GET
@etag(_script_etag)
def embed_js(request):
    """The widget script, the same for every site (it reads its own address to know which
    site it belongs to); cached by browsers and proxies for EMBED_SCRIPT_MAX_AGE."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, max_age=conf.script_max_age())
    return response


@csrf_exempt
@require_GET
def config(request):
    """What every widget starts from: the site's name and words, the list named by ?list= (of
    this site only), a fresh antispam token and where "Join the movement" leads."""
    site = Site.find_for_request(request)
    if site is None:
        return json_error(404, _("There is no site at this address."))
    slug = query_param(request, "list", 60)
    newsletter_list = None
    if slug:
        newsletter_list = NewsletterList.objects.filter(site=site, slug=slug).first()
        if newsletter_list is None:
            return json_error(404, _("This site has no newsletter list of that name."))
    with content.widget_language(request, site, request.GET.get("lang")):
        response = JsonResponse(content.config_data(request, site, newsletter_list))
    response["Cache-Control"] = "no-store"  # the token is the time it was given
    return response


@csrf_exempt
@require_GET
def stories(request):
    """The latest stories the site shows (?scope=site, local or network; ?theme=<slug>;
    ?limit=N), each with its title, link, quote and photo."""
    site = Site.find_for_request(request)
    if site is None:
        return json_error(404, _("There is no site at this address."))
    scope = query_param(request, "scope", 20) or "site"
    if scope not in content.SCOPES:
        return json_error(400, _("Choose the stories: site, local or network."))
    theme = query_param(request, "theme", 80)
    limit = content.stories_limit(request.GET.get("limit"))
    with content.widget_language(request, site, request.GET.get("lang")) as code:
        locale = Locale.objects.filter(language_code=code).first() or Locale.get_default()
        chosen = content.visible_stories(site, locale, scope, theme).order_by(
            "-consent_given_on", "-pk"
        )[:limit]
        data = content.story_cards(request, site, locale, chosen)
        response = JsonResponse({**data, "lang": code})
    # Briefly: a story whose consent lapses leaves member sites within a minute.
    patch_cache_control(response, public=True, max_age=60)
    return response
