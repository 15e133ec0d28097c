"""The chapters' models: the Chapter (models.chapter) and the national site's "Find your local
group" page (models.pages, which lists chapters through models.finder)."""

from .chapter import Chapter, slug_validator, split_towns
from .pages import LocalGroupsPage

__all__ = ["Chapter", "LocalGroupsPage", "slug_validator", "split_towns"]
