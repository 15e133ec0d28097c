"""POST /embed/signup/: a member's website subscribes someone to this site's list.

Cross-origin (CORS) and without cookies, so without CSRF: what protects it is what protects
every public form (cms.core.antispam): the honeypot, the signed timestamp the widget got from
/embed/config/ (forged, too fast or expired is refused) and the per-client rate limit. Then the
usual double opt-in (newsletter.subscriptions), the consent record keeping the widget's
data-source and the embedding page's Origin. Answers are JSON: 202 whatever happened to the
address (it never tells whether someone is on a list), 400 with each field's messages, 404
for a list that is not this site's, 413/415 for what cannot be read, 429 with Retry-After.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Site

from cms.core.antispam import rate_limited
from newsletter import subscriptions as service
from newsletter.forms import subscribe_form
from newsletter.models import NewsletterList

from . import conf, content
from .views import json_error

# What the JSON body may hold (the site's own form's fields); anything else is ignored, and a
# value that is not a string or a boolean counts as absent.
FIELDS = ("email", "name", "language", "consent", "consent_version", "website", "form_started")


def read_body(request) -> tuple[dict | None, JsonResponse | None]:
    """(the JSON object sent, None) or (None, the JSON error to answer)."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        return None, json_error(415, _("Send the form as JSON (Content-Type: application/json)."))
    try:
        data = json.loads(request.body.decode(request.encoding or "utf-8"))
    except RequestDataTooBig:
        return None, json_error(413, _("What you sent is too long."))
    except (UnicodeDecodeError, ValueError, LookupError):
        return None, json_error(400, _("We could not read what you sent."))
    if not isinstance(data, dict):
        return None, json_error(400, _("We could not read what you sent."))
    return data, None


def form_data(data: dict) -> dict:
    fields = {}
    for name in FIELDS:
        value = data.get(name)
        if isinstance(value, bool):
            fields[name] = "on" if value else ""
        elif isinstance(value, str | int) and not isinstance(value, bool):
            fields[name] = str(value)
    return fields


def field_errors(form) -> dict[str, list[str]]:
    """{"email": ["Enter an email address…"], "form": [...]}: the honeypot and timestamp fail
    the whole form (their errors are the form's, as on the site's own page)."""
    errors = {}
    for name, messages in form.errors.items():
        errors["form" if name == "__all__" else name] = [str(message) for message in messages]
    return errors


@csrf_exempt
@require_POST
def signup(request):
    site = Site.find_for_request(request)
    if site is None:
        return json_error(404, _("There is no site at this address."))
    if rate_limited(request, "embed.signup", conf.signup_rate_limit(), conf.signup_rate_window()):
        retry = request.rate_limit_retry_after
        message = _("Too many signups from your connection. Please try again later.")
        response = json_error(429, message, retry_after=retry)
        response["Retry-After"] = str(retry)
        return response
    data, problem = read_body(request)
    if problem:
        return problem
    slug = data.get("list")
    newsletter_list = None
    if isinstance(slug, str) and slug:
        newsletter_list = NewsletterList.objects.filter(site=site, slug=slug[:60]).first()
    if newsletter_list is None:
        return json_error(404, _("This site has no newsletter list of that name."))
    source = service.clean_source(data.get("source"))
    with content.widget_language(request, site, data.get("lang")) as language:
        if source is None:
            return _invalid({"source": [_("The widget's data-source is not valid.")]})
        form = subscribe_form(request, newsletter_list, form_data(data))
        if not form.is_valid():
            return _invalid(field_errors(form))
        cleaned = form.cleaned_data
        service.subscribe(
            newsletter_list,
            email=cleaned["email"],
            name=cleaned["name"],
            language=cleaned["language"],
            page_language=language,
            wording=form.consent_wording()[0],
            source=source,
            origin=service.clean_origin(request.headers.get("Origin")),
        )
        message = _("Thank you. Check your email: click the link we sent to confirm.")
    response = JsonResponse({"message": message}, status=202)
    response["Cache-Control"] = "no-store"
    return response


def _invalid(errors: dict) -> JsonResponse:
    """400 with each field's messages and a fresh token (an expired form works again)."""
    return json_error(400, _("There is a problem"), errors=errors, token=content.antispam_token())
