"""/newsletter/ on each site, and the issues under it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage

from ..blocks import NewsletterStreamBlock
from ..panels import NewsletterSendPanel


class NewsletterIndexPage(RoutablePageMixin, BasePage):
    """/newsletter/: the signup form, and the archive of the issues this site has sent."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.NationalHomePage", "core.ChapterHomePage"]
    subpage_types = ["newsletter.NewsletterIssuePage"]
    max_count_per_parent = 1
    template = "newsletter/newsletter_index_page.html"

    class Meta:
        verbose_name = _("newsletter page")


class NewsletterIssuePage(BasePage):
    """An issue: written and previewed (as the email and as the web page) like any page, sent
    to the site's list from the admin, then published in the site's archive."""

    subject = models.CharField(max_length=200, help_text=_("The email's subject line"))
    preheader = models.CharField(
        max_length=200, blank=True, help_text=_("The line inboxes show after the subject")
    )
    body = StreamField(NewsletterStreamBlock, blank=True)

    content_panels = [
        NewsletterSendPanel(),
        *Page.content_panels,
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
    ]
    parent_page_types = ["newsletter.NewsletterIndexPage"]
    subpage_types: list[str] = []
    template = "newsletter/newsletter_issue_page.html"
    preview_modes = [("", _("Web page")), ("email", _("Email"))]

    class Meta:
        verbose_name = _("newsletter issue")

    def get_preview_template(self, request, mode_name):
        """The "email" preview is the email itself, rendered by its template (through
        newsletter_tags, which calls newsletter.rendering) from this possibly unsaved draft;
        the default mode is the web page in the site's archive."""
        if mode_name == "email":
            return "newsletter/email/preview.html"
        return super().get_preview_template(request, mode_name)


def may_send(user, page: Page) -> bool:
    """Whoever may publish an issue may send it (any page: the admin checks this before the
    page's type, so a page the user may not publish is refused alike whatever it is)."""
    return page.permissions_for_user(user).can_publish()
