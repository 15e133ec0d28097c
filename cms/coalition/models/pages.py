"""The national site's member directory (/members/) and "Join the Coalition" (/join/), whose
routes serve the directory, each member's page and the join form."""

from django.db import models, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.core.antispam import rate_limited, too_many_requests
from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage
from cms.core.pagination import filter_query, paginate
from cms.core.queue import enqueue_on_commit
from cms.core.text import query_param

from ..forms import JoinRequestForm
from ..tasks import acknowledge_join_request, notify_national_editors
from .members import Member, OrganisationKind, Region

LOGO_RENDITION = "max-320x160"
MAX_QUERY_LENGTH = 100
JOIN_LIMIT = (5, 600)  # join requests per client per ten minutes


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
        """The public "Join the Coalition" form: a pending request, and two emails once it is
        committed (the applicant's acknowledgement, the national editors' notice)."""
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
                response = redirect(self.get_url(request) + self.reverse_subpage("thanks"))
                response.status_code = 303
                return response
        return self.render(request, context_overrides={"form": form})

    @path("thanks/", name="thanks")
    def thanks_route(self, request):
        return self.render(
            request, template="coalition/join_coalition_thanks.html", context_overrides={}
        )
