"""The core app's models: the page types every site is built from (pages.py), the site-scoped
moderation task (workflows.py) and the tasks kept while the broker is down (deferred.py)."""

from .deferred import DeferredTask
from .pages import (
    BasePage,
    CampaignPage,
    ChapterHomePage,
    HomePageBase,
    NationalHomePage,
    NewsArticlePage,
    NewsIndexPage,
    StandardPage,
)
from .workflows import SiteScopedApprovalTask

__all__ = [
    "BasePage",
    "CampaignPage",
    "ChapterHomePage",
    "DeferredTask",
    "HomePageBase",
    "NationalHomePage",
    "NewsArticlePage",
    "NewsIndexPage",
    "SiteScopedApprovalTask",
    "StandardPage",
]
