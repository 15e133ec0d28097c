"""Page types every site in the network is built from.

The national site uses NationalHomePage at its root; each chapter's site uses ChapterHomePage.
Everything below a home page is shared: standard pages, campaign pages and news. The
parent/child rules keep editors adding pages only where they belong.

Page rules name no feature app: the home pages and the standard page leave subpage_types open,
and a feature's page type (the story index, the member directory, a form page, the newsletter
page) places itself with its own parent_page_types. See BasePage.clean_subpage_models.

Installed in another Wagtail project, a page type that names our home pages as its parents may
also go under the host's own page types (BasePage.clean_parent_page_models): a charity adds the
story index under its own home page, and needs none of ours.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, get_page_models
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, BaseStreamBlock, ToolkitStreamBlock
from ..choosing import ChosenObjectsPageForm
from ..context import public_context
from ..packages import is_ours
from ..pagination import paginate

HOME_PAGE_TYPES = frozenset({"core.nationalhomepage", "core.chapterhomepage"})


class BasePage(Page):
    """What every page in the network has: a summary for search results and listings, and an
    admin form that accepts only objects the editor may choose (see cms.core.choosing)."""

    base_form_class = ChosenObjectsPageForm

    class Meta:
        abstract = True

    @classmethod
    def clean_subpage_models(cls):
        """Wagtail's rule, but with subpage_types left open (None) only the page types that
        name their parents (parent_page_types) may go here: those naming this type. A page type
        naming none, such as Wagtail's own Page, is not offered under every page."""
        allowed = super().clean_subpage_models()
        if getattr(cls, "subpage_types", None) is not None:
            return allowed
        return [model for model in allowed if getattr(model, "parent_page_types", None) is not None]

    def get_context(self, request, *args, **kwargs):
        """Wagtail's context, with what our templates read (cms.core.context)."""
        return {**public_context(request), **super().get_context(request, *args, **kwargs)}

    @classmethod
    def clean_parent_page_models(cls):
        """Wagtail's rule, but a page type allowed under our home pages is also allowed under
        the host project's page types (none in our own project; never Wagtail's root Page)."""
        allowed = super().clean_parent_page_models()
        if not any(model._meta.label_lower in HOME_PAGE_TYPES for model in allowed):
            return allowed
        hosts = [model for model in get_page_models() if model is not Page and not is_ours(model)]
        return [*allowed, *(model for model in hosts if model not in allowed)]

    @property
    def summary(self) -> str:
        return (
            self.search_description or getattr(self, "intro", "") or getattr(self, "hero_text", "")
        )


class HomePageBase(BasePage):
    hero_heading = models.CharField(max_length=255, blank=True)
    hero_text = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_credit = models.CharField(_("hero photo credit"), max_length=255, blank=True)
    hero_cta_label = models.CharField(_("hero button label"), max_length=80, blank=True)
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero button page"),
    )
    body = StreamField(BaseStreamBlock, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_credit"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_page"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    class Meta:
        abstract = True


class NationalHomePage(HomePageBase):
    """The Connection Coalition's home: the root of the national site."""

    parent_page_types = ["wagtailcore.Page"]
    # subpage_types open: the page types naming this one among their parent_page_types.
    template = "core/national_home_page.html"

    class Meta:
        verbose_name = _("national home page")


class ChapterHomePage(HomePageBase):
    """A chapter's home (e.g. Coventry's "Connecting for Good"): the root of its site."""

    parent_page_types = ["wagtailcore.Page"]
    # subpage_types open: the page types naming this one among their parent_page_types.
    template = "core/chapter_home_page.html"

    class Meta:
        verbose_name = _("chapter home page")


class StandardPage(BasePage):
    """An ordinary page: About, Get involved, FAQ..."""

    intro = models.TextField(blank=True, help_text=_("A sentence or two shown under the title"))
    body = StreamField(BaseStreamBlock, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = [
        "core.NationalHomePage",
        "core.ChapterHomePage",
        "core.StandardPage",
        "core.CampaignPage",
    ]
    # subpage_types open: the page types naming this one among their parent_page_types.
    template = "core/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class CampaignPage(BasePage):
    """A national campaign such as Community Makes Us: its call, manifesto and toolkit."""

    intro = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_credit = models.CharField(_("hero photo credit"), max_length=255, blank=True)
    manifesto_title = models.CharField(max_length=255, blank=True)
    manifesto = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    toolkit_intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    toolkit = StreamField(
        ToolkitStreamBlock(),
        blank=True,
        help_text=_("Files members download to share the campaign"),
    )
    body = StreamField(BaseStreamBlock, blank=True)
    share_text = models.CharField(
        max_length=280, blank=True, help_text=_("Suggested words when readers share this page")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_credit")], _("Hero")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("manifesto_title"), FieldPanel("manifesto")], _("Manifesto")),
        MultiFieldPanel([FieldPanel("toolkit_intro"), FieldPanel("toolkit")], _("Toolkit")),
        FieldPanel("share_text"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("manifesto"),
        index.SearchField("body"),
    ]
    parent_page_types = ["core.NationalHomePage"]
    subpage_types = ["core.StandardPage"]
    template = "core/campaign_page.html"

    class Meta:
        verbose_name = _("campaign page")


class NewsIndexPage(BasePage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.NationalHomePage", "core.ChapterHomePage"]
    subpage_types = ["core.NewsArticlePage"]
    template = "core/news_index_page.html"
    articles_per_page = 10

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            NewsArticlePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("-date", "-pk")
        )
        context["articles"] = paginate(request, articles, self.articles_per_page)
        return context


class NewsArticlePage(BasePage):
    date = models.DateField(_("published on"))
    author = models.CharField(max_length=255, blank=True)
    source_organisation = models.CharField(max_length=255, blank=True)
    source_url = models.URLField(blank=True, help_text=_("Where the article first appeared"))
    intro = models.TextField(blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_credit = models.CharField(_("photo credit"), max_length=255, blank=True)
    body = StreamField(BaseStreamBlock, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("author"),
                FieldPanel("source_organisation"),
                FieldPanel("source_url"),
            ],
            heading=_("About this article"),
        ),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_credit")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]
    parent_page_types = ["core.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "core/news_article_page.html"

    class Meta:
        verbose_name = _("news article")
