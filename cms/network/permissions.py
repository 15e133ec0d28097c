"""Who sees which site's figures: whoever may see the site's newsletter list (the newsletter
admin's rule: network-wide with `newsletter.view_newsletterlist`, the national team; a site's
own publishers for that site). The Network page, its charts and its CSV files show every site
side by side, so they are the network-wide viewers' only; a chapter editor sees their own
site's figures on their dashboard and on their site's page."""

from django.db.models import QuerySet
from wagtail.models import Site

from newsletter.admin.permissions import list_policy

NETWORK_PERMISSION = "newsletter.view_newsletterlist"


def sees_network(user) -> bool:
    """Every site's figures (a global permission, never a single site's grant)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perm(NETWORK_PERMISSION)


def visible_sites(user) -> QuerySet:
    """The sites whose figures the user may see."""
    if sees_network(user):
        return Site.objects.all()
    return list_policy.visible_sites(user)
