"""Where sites plug into Wagtail: a page is served only in the languages its site offers."""

from django.http import Http404
from wagtail import hooks

from .branding import Brand


@hooks.register("before_serve_page")
def serve_only_in_offered_languages(page, request, serve_args, serve_kwargs):
    """/cy/… on a site without a Welsh version must not serve the English page as Welsh.

    Wagtail falls back to the default-language tree when a site has no home page in the
    requested language; a page is only served when it is in the language of the URL and the
    site offers that language."""
    brand = Brand.for_request(request)
    active = brand.active_locale
    if page.locale_id != active.pk or active.pk not in {loc.pk for loc in brand.offered_locales}:
        raise Http404("This page is not available in this language.")
