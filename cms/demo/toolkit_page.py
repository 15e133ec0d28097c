"""The Community Makes Us toolkit on the national site: the PDF (toolkit.py) as a document,
and a page under the campaign showing the social and email copy with "Copy" buttons, linked
from the campaign page; at its end, the widgets for members' own websites (cms/embed) and where
editors find the rest of them (Admin → Embed)."""

from wagtail.models import Collection, Page, Site

from cms.core.models import CampaignPage, StandardPage
from cms.core.provisioning import child_page
from newsletter.models import NewsletterList

from . import content
from .media import get_or_create_document, get_or_create_image
from .pages import cta, heading, image_block, paragraph, publish
from .pictures import draw_illustration
from .toolkit import ToolkitLinks, build_toolkit_pdf

TOOLKIT_TITLE = "Community Makes Us Toolkit"
TOOLKIT_PAGE_LABEL = "Get the toolkit: posts, email copy and the PDF"
EMBED_HEADING = "On your own website"
EMBED_LABEL = "Widgets for your website"
EMBED_INTRO = (
    "Put our newsletter signup, the latest stories and a “Join the movement” button on your "
    "organisation’s website: paste this into any page and put your organisation’s name in "
    "data-source, so we can count who signed up through you. No frame, no cookies."
)
EMBED_ADMIN = (
    "Coalition editors find these snippets for every site, a live preview and the oEmbed "
    'address of each story in the admin, under <a href="/admin/embed/">Embed</a>.'
)


def build_toolkit(campaign: CampaignPage, join: Page, collection: Collection) -> StandardPage:
    """The toolkit PDF and page, then the campaign's links to them (once each)."""
    picture = draw_illustration("cafe", "coalition", seed="toolkit")
    cafe = get_or_create_image(
        "Neighbours over tea",
        picture,
        "neighbours-over-tea.jpg",
        collection,
        alt_text=content.TOOLKIT_PICTURE_ALT,
    )
    links = ToolkitLinks(campaign=campaign.full_url, join=join.full_url)
    pdf = get_or_create_document(
        TOOLKIT_TITLE,
        build_toolkit_pdf(links, picture=picture),
        "community-makes-us-toolkit.pdf",
        collection,
    )
    page = child_page(campaign, "toolkit", lambda: _toolkit_page(links, pdf, cafe, join))
    _link_from_campaign(campaign, page, pdf)
    return page


def _documents(pdf) -> dict:
    return {
        "type": "documents",
        "value": {
            "heading": "Get the toolkit",
            "documents": [
                {
                    "document": pdf.pk,
                    "title": TOOLKIT_TITLE,
                    "description": "The manifesto, ready-to-post social copy, email copy and "
                    "how to join",
                }
            ],
        },
    }


def _copy(label: str, text: str) -> dict:
    return {"type": "copy_text", "value": {"label": label, "text": text}}


def _toolkit_page(links: ToolkitLinks, pdf, picture, join: Page) -> StandardPage:
    return StandardPage(
        title="Community Makes Us toolkit",
        intro=content.TOOLKIT_INTRO[0],
        body=[
            image_block(picture, alt=content.TOOLKIT_PICTURE_ALT),
            paragraph(content.TOOLKIT_INTRO[1:]),
            _documents(pdf),
            heading("Ready-to-post social copy"),
            *(
                _copy(label, f"{text} {links.campaign}")
                for label, text in content.TOOLKIT_SOCIAL_POSTS
            ),
            heading("Email copy"),
            _copy("Email subject", content.TOOLKIT_EMAIL_SUBJECT),
            _copy("Email message", "\n\n".join([*content.TOOLKIT_EMAIL_BODY, links.campaign])),
            heading("How to join"),
            paragraph(content.TOOLKIT_HOW_TO_JOIN[:1]),
            cta("Join the Coalition", page=join),
            heading(EMBED_HEADING),
            paragraph([EMBED_INTRO]),
            _copy(EMBED_LABEL, widget_snippet(join.get_site())),
            {"type": "paragraph", "value": f"<p>{EMBED_ADMIN}</p>"},
        ],
    )


def _link_from_campaign(campaign: CampaignPage, page: Page, pdf) -> None:
    """The PDF among the campaign's downloads and a link to the toolkit page in its body, each
    added once: a campaign an editor has given other downloads keeps them."""
    campaign = campaign.specific
    changed = False
    if not campaign.toolkit:
        campaign.toolkit = [_documents(pdf)]
        changed = True
    links_there = any(
        block.block_type == "call_to_action" and getattr(block.value["page"], "pk", None) == page.pk
        for block in campaign.body
    )
    if not links_there:
        value = {"label": TOOLKIT_PAGE_LABEL, "page": page, "url": "", "style": "primary"}
        campaign.body.append(("call_to_action", value))
        changed = True
    if changed:
        publish(campaign)


def widget_snippet(site: Site) -> str:
    """What a member pastes: the site's script and its three widgets."""
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    slug = newsletter_list.slug if newsletter_list else NewsletterList.free_slug(site.hostname)
    return "\n".join(
        [
            f'<script src="{site.root_url}/embed.js" async></script>',
            f'<div data-connection-widget="signup" data-list="{slug}" '
            'data-source="your-organisation"></div>',
            '<div data-connection-widget="stories" data-limit="3"></div>',
            '<div data-connection-widget="join"></div>',
        ]
    )
