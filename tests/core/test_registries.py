"""What the feature apps add to core through registries (Wagtail hooks and page rules) is
exactly what core used to name itself: the same page rules, the same blocks in the same order,
and a registry read too early fails loudly instead of leaving a block out."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks, hooks
from wagtail.models import get_page_models

from chapters import provisioning as chapter_provisioning
from cms.core import blocks as core_blocks
from cms.core.blocks import BaseStreamBlock, registered_blocks
from cms.core.models import NationalHomePage
from cms.formpages.provisioning import add_chapter_forms
from cms.stories.provisioning import add_story_index
from newsletter.blocks import NewsletterStreamBlock
from newsletter.models import NewsletterIssuePage
from newsletter.provisioning import add_newsletter

# Each page type: (the page types allowed under it, the page types it may go under), as core's
# own subpage_types lists gave them before the feature apps placed their pages themselves.
PAGE_RULES = {
    "wagtailcore.Page": (
        {"core.ChapterHomePage", "core.NationalHomePage", "wagtailcore.Page"},
        {"wagtailcore.Page"},
    ),
    "core.NationalHomePage": (
        {
            "coalition.JoinCoalitionPage",
            "coalition.MemberDirectoryPage",
            "core.CampaignPage",
            "core.NewsIndexPage",
            "core.StandardPage",
            "formpages.FormPage",
            "newsletter.NewsletterIndexPage",
            "stories.StoryIndexPage",
            "chapters.LocalGroupsPage",
        },
        {"wagtailcore.Page"},
    ),
    "core.ChapterHomePage": (
        {
            "core.NewsIndexPage",
            "core.StandardPage",
            "formpages.FormPage",
            "newsletter.NewsletterIndexPage",
            "stories.StoryIndexPage",
        },
        {"wagtailcore.Page"},
    ),
    "core.StandardPage": (
        {"core.StandardPage", "formpages.FormPage"},
        {"core.CampaignPage", "core.ChapterHomePage", "core.NationalHomePage", "core.StandardPage"},
    ),
    "core.CampaignPage": ({"core.StandardPage"}, {"core.NationalHomePage"}),
    "core.NewsIndexPage": (
        {"core.NewsArticlePage"},
        {"core.ChapterHomePage", "core.NationalHomePage"},
    ),
    "core.NewsArticlePage": (set(), {"core.NewsIndexPage"}),
    "coalition.JoinCoalitionPage": (set(), {"core.NationalHomePage"}),
    "coalition.MemberDirectoryPage": (set(), {"core.NationalHomePage"}),
    "formpages.FormPage": (
        set(),
        {"core.ChapterHomePage", "core.NationalHomePage", "core.StandardPage"},
    ),
    "newsletter.NewsletterIndexPage": (
        {"newsletter.NewsletterIssuePage"},
        {"core.ChapterHomePage", "core.NationalHomePage"},
    ),
    "newsletter.NewsletterIssuePage": (set(), {"newsletter.NewsletterIndexPage"}),
    "stories.StoryIndexPage": (set(), {"core.ChapterHomePage", "core.NationalHomePage"}),
    "chapters.LocalGroupsPage": (set(), {"core.NationalHomePage"}),
}

PAGE_BODY_BLOCKS = [
    "heading",
    "paragraph",
    "image",
    "quote",
    "call_to_action",
    "faq",
    "embed",
    "documents",
    "copy_text",
    "featured_stories",
    "newsletter_signup",
]
NEWSLETTER_BODY_BLOCKS = [
    "heading",
    "paragraph",
    "image",
    "featured_stories",
    "news_links",
    "call_to_action",
]


def labels(models) -> set[str]:
    return {model._meta.label for model in models}


def test_every_page_type_has_its_rules_listed():
    assert labels(get_page_models()) == set(PAGE_RULES)


@pytest.mark.parametrize("label", sorted(PAGE_RULES))
def test_page_rules_are_those_core_used_to_name(label):
    (model,) = [model for model in get_page_models() if model._meta.label == label]
    children, parents = PAGE_RULES[label]
    assert labels(model.allowed_subpage_models()) == children
    assert labels(model.allowed_parent_page_models()) == parents


def test_core_page_rules_name_no_feature_app():
    for model in get_page_models():
        if model._meta.app_label == "core":
            for rule in ("subpage_types", "parent_page_types"):
                named = getattr(model, rule, None) or []
                assert all(name.split(".")[0] in {"core", "wagtailcore"} for name in named)


def test_page_bodies_offer_core_blocks_then_the_features_in_order():
    for model in get_page_models():
        field = model._meta.get_field("body") if hasattr(model, "body") else None
        if field is not None and not isinstance(field.stream_block, NewsletterStreamBlock):
            assert list(field.stream_block.child_blocks) == PAGE_BODY_BLOCKS, model
    assert list(NationalHomePage._meta.get_field("body").stream_block.child_blocks) == (
        PAGE_BODY_BLOCKS
    )
    assert list(BaseStreamBlock().child_blocks) == PAGE_BODY_BLOCKS


def test_newsletter_issues_offer_featured_stories_between_image_and_news_links():
    body = NewsletterIssuePage._meta.get_field("body").stream_block
    assert list(body.child_blocks) == NEWSLETTER_BODY_BLOCKS
    assert hasattr(body.child_blocks["featured_stories"], "story_links")


@pytest.mark.parametrize(
    "name",
    ["featured_stories", "heading"],
    ids=["a block registered twice under one name", "a block replacing one of cores"],
)
def test_a_block_name_given_twice_stops_the_project(name):
    def again():
        return [(name, blocks.CharBlock())]

    with (
        hooks.register_temporarily("register_page_body_blocks", again),
        pytest.raises(ImproperlyConfigured, match=name),
    ):
        BaseStreamBlock()


def test_blocks_asked_for_before_the_apps_are_ready_fail_loudly(monkeypatch):
    monkeypatch.setattr(core_blocks.apps, "ready", False)
    with pytest.raises(ImproperlyConfigured, match="before the app registry is ready"):
        registered_blocks("register_page_body_blocks")


def test_blocks_asked_for_while_the_hooks_are_being_found_fail_loudly(monkeypatch):
    monkeypatch.setattr(core_blocks, "_finding_hooks", True)
    with pytest.raises(ImproperlyConfigured, match="being imported"):
        BaseStreamBlock()


def test_a_new_chapter_is_provisioned_in_the_order_of_its_menu_then_forms_then_newsletter():
    assert hooks.get_hooks(chapter_provisioning.PROVISIONING_STEPS_HOOK) == [
        chapter_provisioning.add_about,
        add_story_index,
        chapter_provisioning.add_get_involved,
        chapter_provisioning.add_news,
        add_chapter_forms,
        add_newsletter,
        chapter_provisioning.link_ways_to_get_involved,  # last: links what the others made
    ]
