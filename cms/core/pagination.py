"""Paginating listings and keeping their filters in the page links."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


def paginate(request, object_list, per_page: int) -> Page:
    """The page the reader asked for (?page=N); the first for garbage, the last past the end."""
    paginator = Paginator(object_list, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def filter_query(filters: dict) -> str:
    """The filters a listing shows, for its page links to keep (includes/pagination.html's
    extra_query): "theme=x&town=y&", the empty ones left out; "" when there are none."""
    chosen = {key: value for key, value in filters.items() if value}
    return urlencode(chosen) + "&" if chosen else ""
