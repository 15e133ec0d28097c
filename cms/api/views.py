"""/oembed/ and /api/v2/openapi.json: GET only, JSON, no cookies read or set."""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from . import embedding
from .oembed import BadSize, oembed_response, size_param
from .openapi import openapi_document


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_safe
def oembed(request):
    """oEmbed for one of our stories, campaign pages or news articles: 404 for any other URL
    (never a redirect: the URL is not fetched, its host must be one of our Sites)."""
    url = request.GET.get("url", "")
    response_format = request.GET.get("format", "json") or "json"
    if response_format != "json":
        return _error("Only format=json is offered.", 501)
    if not url:
        return _error("Give the address of a story, campaign page or news article as url.", 400)
    try:
        maxwidth = size_param(request.GET.get("maxwidth"), "maxwidth")
        maxheight = size_param(request.GET.get("maxheight"), "maxheight")
    except BadSize as error:
        return _error(str(error), 400)
    embed = embedding.resolve(url)
    if embed is None:
        return _error("No story, campaign page or news article of ours is at this address.", 404)
    return JsonResponse(oembed_response(embed, maxwidth, maxheight))


def api_not_found(request):
    return JsonResponse({"message": "not found"}, status=404)


@require_safe
def openapi(request):
    """The OpenAPI 3 description of /api/v2/ and /oembed/ on the requesting host."""
    return JsonResponse(openapi_document(request.build_absolute_uri("/")))
