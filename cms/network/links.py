"""Where each figure links: the admin listing it counts, for a user who may see that listing
(otherwise no link). Worked out once per request, whatever the number of sites: the user's
story sites and the site roots they may edit are one query each."""

from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode
from wagtail.models import Site
from wagtail.permissions import page_permission_policy

from cms.coalition.admin import DECIDE_PERMISSION
from cms.stories.admin import story_policy
from newsletter.admin.permissions import list_policy

from .sitesets import SiteSet


class Links:
    def __init__(self, user, sites: SiteSet):
        self.user = user
        self.sites = sites

    @cached_property
    def list_sites(self) -> set[int]:
        return set(list_policy.visible_sites(self.user).values_list("pk", flat=True))

    @cached_property
    def story_sites(self) -> set[int]:
        sites = story_policy().sites_user_has_any_permission_for(self.user, ["change"])
        return set(sites.values_list("pk", flat=True))

    @cached_property
    def editable_roots(self) -> set[int]:
        """Site roots the user may edit (so explore, and see the forms of)."""
        roots = [site.root_page_id for site in self.sites.sites]
        editable = page_permission_policy.instances_user_has_any_permission_for(
            self.user, ["change", "publish"]
        )
        return set(editable.filter(pk__in=roots).values_list("pk", flat=True))

    def _stories(self, site: Site, **filters) -> str | None:
        if site.pk not in self.story_sites:
            return None
        query = urlencode({"site": site.pk, **filters})
        return f"{reverse('wagtailsnippets_stories_story:list')}?{query}"

    def for_listing(self, listing: str, site: Site) -> str | None:
        """The URL of `listing` (a Measure's) for the site, or None."""
        list_id = self.sites.newsletter_list_id(site)
        if listing in ("subscribers", "sources") and list_id and site.pk in self.list_sites:
            if listing == "sources":
                return reverse("newsletter_admin:sources")
            return reverse("newsletter_admin:subscribers", args=[list_id])
        if listing == "stories_shared":
            return self._stories(site)
        if listing == "stories_live":
            return self._stories(site, live="true")
        if listing == "stories_lapsing":
            return self._stories(site, consent="expiring")
        if listing == "forms" and site.root_page_id in self.editable_roots:
            return reverse("wagtailforms:index")
        if listing == "pages" and site.root_page_id in self.editable_roots:
            return reverse("wagtailadmin_explore", args=[site.root_page_id])
        national = site.pk == self.sites.national_id
        if listing == "join" and national and self.user.has_perm(DECIDE_PERMISSION):
            return reverse("coalition_join_requests:index")
        if listing == "newsletters" and site.pk in self.list_sites:
            return reverse("newsletter_admin:index")
        return None
