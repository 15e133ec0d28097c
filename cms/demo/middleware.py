"""The demo's missing pages look like the site's, even though `make demo` runs with DEBUG on.

`make demo` keeps DEBUG on for whoever develops with it (the dev outbox, media served by
Django, tracebacks on errors), and with DEBUG on Django answers a missing page with its
technical 404 (the URL patterns) instead of `handler404`. A resident trying the demo should
meet what a resident of the real site meets: the branded 404 (templates/404.html) with links
home and to search. So in DEBUG this middleware answers every 404 Django would have made for
a missing page with `handler404`'s page; a server error still shows its traceback. It is only
in the dev settings: with DEBUG off Django does this itself.
"""

from django.conf import settings
from django.http import Http404

from sites.views import page_not_found


class BrandedNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            # No URL pattern matched (e.g. /no-such-file.html): no view answered, Django did.
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
