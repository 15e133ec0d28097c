"""The national site's member directory (/members/) and "Join the Coalition" (/join/)."""

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage
from cms.core.pagination import filter_query, paginate
from cms.core.text import query_param

from ..views import join_coalition, join_coalition_thanks
from .members import Member, OrganisationKind, Region

LOGO_RENDITION = "max-320x160"
MAX_QUERY_LENGTH = 100


def member_queryset(locale_id):
    Image = get_image_model()
    return (
        # The logo by prefetch (not select_related, which would skip the prefetch), so its
        # renditions come in the same go: no query per logo when the rendition cache is cold.
        Member.objects.filter(locale_id=locale_id).prefetch_related(
            models.Prefetch("logo", queryset=Image.objects.prefetch_renditions(LOGO_RENDITION))
        )
    )


class MemberDirectoryPage(RoutablePageMixin, BasePage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.NationalHomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "coalition/member_directory_page.html"
    members_per_page = 24

    class Meta:
        verbose_name = _("member directory")

    @path("", name="index")
    def index_route(self, request):
        members = member_queryset(self.locale_id)
        kind = query_param(request, "kind", 40)
        region = query_param(request, "region", 40)
        query = query_param(request, "q", MAX_QUERY_LENGTH)
        if kind in OrganisationKind.values:
            members = members.filter(kind=kind)
        if region in Region.values:
            members = members.filter(region=region)
        if query:
            members = members.filter(Q(name__icontains=query) | Q(description__icontains=query))
        page_obj = paginate(request, members, self.members_per_page)
        filters = {"kind": kind, "region": region, "q": query}
        return self.render(
            request,
            context_overrides={
                "members": page_obj,
                "kinds": OrganisationKind.choices,
                "regions": Region.choices,
                "selected": filters,
                "filter_query": filter_query(filters),
            },
        )

    @path("<slug:slug>/", name="member")
    def member_route(self, request, slug):
        member = get_object_or_404(member_queryset(self.locale_id), slug=slug)
        return self.render(
            request,
            template="coalition/member_detail.html",
            context_overrides={"member": member},
        )

    def member_url(self, member, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("member", args=[member.slug])


class JoinCoalitionPage(RoutablePageMixin, BasePage):
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    aims = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("The coalition's aims, which applicants agree to"),
    )
    thanks = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("aims"),
        FieldPanel("thanks"),
    ]
    parent_page_types = ["core.NationalHomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "coalition/join_coalition_page.html"

    class Meta:
        verbose_name = _("join the coalition page")

    @path("", name="form")
    def form_route(self, request):
        return join_coalition(request, self)

    @path("thanks/", name="thanks")
    def thanks_route(self, request):
        return join_coalition_thanks(request, self)
