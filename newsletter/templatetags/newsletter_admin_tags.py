"""What the "Sending" panel of an issue's edit page shows (newsletter/panels.py)."""

from django import template
from django.urls import reverse

from ..models import Send, may_send
from ..pipeline.counts import Counts, delivery_counts

register = template.Library()


@register.inclusion_tag("newsletter/admin/includes/send_summary.html", takes_context=True)
def newsletter_send_summary(context, issue):
    """The issue's send status and, for whoever may send it, the link to its send page. An
    issue not saved yet has no send page: the panel says to save it first."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(issue, "pk", None):
        return {"saved": False}
    send = Send.objects.filter(issue=issue).first()
    return {
        "saved": True,
        "send": send,
        "counts": delivery_counts([send.pk]).get(send.pk, Counts()) if send else None,
        "may_send": user is not None and may_send(user, issue),
        "send_url": reverse("newsletter_admin:send", args=[issue.pk]),
    }
