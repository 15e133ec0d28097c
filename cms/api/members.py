"""/api/v2/members/: the coalition's members, where the requesting site has a live, public
member directory (the national site), in the language asked, as the directory shows them.
Join requests (and the applicants' names and addresses) are never served."""

from __future__ import annotations

from rest_framework import serializers
from wagtail.models import Page

from cms.coalition.models import Member, MemberDirectoryPage, OrganisationKind, Region
from cms.coalition.models.pages import member_queryset
from cms.core.text import query_param

from .base import ScopedEndpoint, absolute, rendition

LOGO_SPEC = "max-320x160"


class MemberSerializer(serializers.Serializer):
    def to_representation(self, member):
        request = self.context["request"]
        view = self.context["view"]
        return {
            "id": member.pk,
            "meta": {
                "type": "coalition.Member",
                "detail_url": absolute(request, f"{view.listing_path}{member.pk}/"),
                "html_url": view.html_url(member),
                "locale": view.locale_code,
            },
            "name": member.name,
            "slug": member.slug,
            "website": member.website,
            "kind": member.kind,
            "region": member.region,
            "description": member.description,
            "founding_member": member.founding_member,
            "joined_on": member.joined_on.isoformat() if member.joined_on else None,
            "logo": rendition(request, member.logo, LOGO_SPEC, member.name),
        }


class MembersAPIViewSet(ScopedEndpoint):
    name = "members"
    model = Member
    serializer_class = MemberSerializer
    filter_parameters = frozenset(["kind", "region"])

    @property
    def listing_path(self) -> str:
        return self.request.path.split("/members/")[0] + "/members/"

    @property
    def locale_code(self) -> str:
        return self.scope.locale(self.request.GET.get("locale")).language_code

    def directory(self) -> MemberDirectoryPage | None:
        """The site's live, public member directory in the language asked, if it has one."""
        if not hasattr(self, "_directory"):
            locale = self.scope.locale(self.request.GET.get("locale"))
            home = self.scope.home_in(locale)
            self._directory = None
            if home is not None:
                live = Page.objects.live().public().descendant_of(home)
                self._directory = (
                    MemberDirectoryPage.objects.filter(pk__in=live.values("pk"))
                    .order_by("depth")
                    .first()
                )
        return self._directory

    def html_url(self, member: Member) -> str:
        directory = self.directory()
        url = directory.get_full_url(self.request) if directory else ""
        return url + directory.reverse_subpage("member", args=[member.slug]) if url else ""

    def get_queryset(self):
        directory = self.directory()
        if directory is None:
            return Member.objects.none()
        members = member_queryset(directory.locale_id)
        kind = query_param(self.request, "kind", 40)
        if kind:
            members = (
                members.filter(kind=kind) if kind in OrganisationKind.values else members.none()
            )
        region = query_param(self.request, "region", 40)
        if region:
            members = members.filter(region=region) if region in Region.values else members.none()
        return members.order_by("-founding_member", "name", "pk")
