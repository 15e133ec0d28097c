"""The public "Join the Coalition" form."""

from django.db import transaction
from django.shortcuts import redirect

from cms.core.antispam import rate_limited, too_many_requests
from cms.core.queue import enqueue_on_commit

from .forms import JoinRequestForm
from .tasks import acknowledge_join_request, notify_national_editors

JOIN_LIMIT = (5, 600)  # requests per client per ten minutes


def join_coalition(request, page):
    form = JoinRequestForm()
    if request.method == "POST":
        if rate_limited(request, "coalition.join", *JOIN_LIMIT):
            return too_many_requests(request)
        form = JoinRequestForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                join_request = form.save()
                enqueue_on_commit(acknowledge_join_request, join_request.pk)
                enqueue_on_commit(notify_national_editors, join_request.pk)
            response = redirect(page.get_url(request) + page.reverse_subpage("thanks"))
            response.status_code = 303
            return response
    return page.render(request, context_overrides={"form": form})


def join_coalition_thanks(request, page):
    return page.render(
        request, template="coalition/join_coalition_thanks.html", context_overrides={}
    )
