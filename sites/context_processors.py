from django.utils.functional import SimpleLazyObject

from .branding import Brand


def site_context(request):
    """Expose the request's site brand to templates as `brand` (lazy: free until used)."""
    return {"brand": SimpleLazyObject(lambda: Brand.for_request(request))}
