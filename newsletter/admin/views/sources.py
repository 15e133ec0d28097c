"""Newsletters → "Signups by source": for each list the user may see, how many people asked to
subscribe and how many confirmed, by where they signed up: the site's own forms, or a member's
website (the widget's data-source and the page's origin, see cms/embed)."""

from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.admin.auth import permission_denied

from ...models import ConsentRecord
from ..permissions import list_policy

Action = ConsentRecord.Action


def signups_by_source(lists) -> dict[int, list[dict]]:
    """{list id: [{"source", "origin", "asked", "confirmed"}, …]}, most asked first; one query."""
    rows = (
        ConsentRecord.objects.filter(
            newsletter_list__in=lists, action__in=[Action.SUBSCRIBED, Action.CONFIRMED]
        )
        .values("newsletter_list", "source", "origin")
        .annotate(
            asked=Count("pk", filter=Q(action=Action.SUBSCRIBED)),
            confirmed=Count("pk", filter=Q(action=Action.CONFIRMED)),
        )
        .order_by("newsletter_list", "-asked", "source", "origin")
    )
    by_list: dict[int, list[dict]] = {newsletter_list.pk: [] for newsletter_list in lists}
    for row in rows:
        by_list[row.pop("newsletter_list")].append(row)
    return by_list


@require_GET
def sources_view(request):
    lists = list(list_policy.visible_lists(request.user))
    if not lists:
        return permission_denied(request)
    by_list = signups_by_source(lists)
    return TemplateResponse(
        request,
        "newsletter/admin/sources.html",
        {
            "rows": [(newsletter_list, by_list[newsletter_list.pk]) for newsletter_list in lists],
            "page_title": _("Signups by source"),
            "header_icon": "mail",
        },
    )
