"""The Community Makes Us toolkit on the national site: the PDF (toolkit.py) as a document,
and a page under the campaign showing the social and email copy with "Copy" buttons, linked
from the campaign page."""

from wagtail.models import Collection, Page

from cms.core.models import CampaignPage, StandardPage
from cms.core.provisioning import child_page

from . import content
from .media import get_or_create_document, get_or_create_image
from .pages import cta, heading, image_block, paragraph, publish
from .pictures import draw_illustration
from .toolkit import ToolkitLinks, build_toolkit_pdf

TOOLKIT_TITLE = "Community Makes Us Toolkit"
TOOLKIT_PAGE_LABEL = "Get the toolkit: posts, email copy and the PDF"


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
