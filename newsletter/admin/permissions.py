"""Who may do what in the newsletter admin (see the package docstring): the list permission
policy (sites' lists, with their publishers), who may send an issue and who may erase a person
from every list; and the views' first step, the object or Wagtail's refusal."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.auth import permission_denied
from wagtail.models import Page, Site
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import page_permission_policy

from ..models import NewsletterIssuePage, NewsletterList, may_send

ERASE_EVERYWHERE_PERMISSION = "newsletter.erase_subscriber_everywhere"
SMTP_SERVER_PERMISSION = "newsletter.change_smtpserver"


class NewsletterListPermissionPolicy(SitePermissionPolicy):
    """Lists belong to sites: a global permission covers every site, a GroupSitePermission one
    site; on top of that a site's publishers (who may publish its root page) see its list and
    may change its settings."""

    def __init__(self):
        super().__init__(NewsletterList, site_field_name="site")

    def visible_sites(self, user) -> QuerySet:
        """The sites whose list the user may see, as one query whatever the number of sites:
        Wagtail's page permission policy gives the pages the user may publish (from the
        permissions it caches on the user), and a site counts when its root page is one of
        them (the tree's root node is never publishable, as can_publish() says)."""
        if not (user.is_authenticated and user.is_active):
            return Site.objects.none()
        granted = self.sites_user_has_permission_for(user, "view").values("pk")
        publishable = page_permission_policy.instances_user_has_permission_for(user, "publish")
        return Site.objects.filter(
            Q(pk__in=granted) | Q(root_page__in=publishable.exclude(depth=1))
        )

    def visible_lists(self, user) -> QuerySet:
        return NewsletterList.objects.filter(site__in=self.visible_sites(user)).select_related(
            "site__root_page", "smtp_server"
        )

    def publishes_site_root(self, user, newsletter_list: NewsletterList) -> bool:
        """Whether the user may publish the root page of the list's site (no queries when the
        list was fetched with select_related("site__root_page"))."""
        if not (user.is_authenticated and user.is_active):
            return False
        return newsletter_list.site.root_page.permissions_for_user(user).can_publish()

    def may_see(self, user, newsletter_list: NewsletterList) -> bool:
        if self.user_has_permission_for_instance(user, "view", newsletter_list):
            return True
        return self.publishes_site_root(user, newsletter_list)

    def may_edit(self, user, newsletter_list: NewsletterList) -> bool:
        """Changing the list's settings: `change` for its site (global or GroupSitePermission),
        or publishing its site's root page."""
        if self.user_has_permission_for_instance(user, "change", newsletter_list):
            return True
        return self.publishes_site_root(user, newsletter_list)


list_policy = NewsletterListPermissionPolicy()


def may_erase_everywhere(user) -> bool:
    """The national data team: who may erase a person from every list of the network."""
    return user.is_authenticated and user.is_active and user.has_perm(ERASE_EVERYWHERE_PERMISSION)


def may_choose_smtp_server(user) -> bool:
    """The national team, who set up the SMTP servers (`newsletter.change_smtpserver`), choose
    a list's server; a chapter's editors neither see nor set it."""
    return user.is_authenticated and user.is_active and user.has_perm(SMTP_SERVER_PERMISSION)


def issue_or_refuse(request, page_id):
    """(issue, None) or (None, response). The permission is checked before the page type, so
    a page the user may not publish is refused alike whatever it is."""
    page = get_object_or_404(Page, pk=page_id)
    if not may_send(request.user, page):
        return None, permission_denied(request)
    if not issubclass(page.specific_class or Page, NewsletterIssuePage):
        raise Http404
    return page.specific, None


def list_or_refuse(request, list_id, *, edit=False):
    """(list, None) or (None, response): Wagtail's refusal for a list the user may not see (or,
    with edit=True, may not change the settings of)."""
    newsletter_list = get_object_or_404(
        NewsletterList.objects.select_related("site__root_page"), pk=list_id
    )
    allowed = list_policy.may_edit if edit else list_policy.may_see
    if not allowed(request.user, newsletter_list):
        return None, permission_denied(request)
    return newsletter_list, None
