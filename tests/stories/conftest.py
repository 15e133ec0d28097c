"""Fixtures of the stories tests: the library of stories the admin tests run against (built
once per module) and the network's story workflow."""

import pytest
from django.core.cache import cache
from django.db import transaction
from wagtail.models import (
    Site,
    Workflow,
    WorkflowContentType,
)

from cms.stories.models import Story
from tests.stories.library import (
    AMIRA_DRAFT_QUOTE,
    AMIRA_DRAFT_TITLE,
    AMIRA_QUOTE,
    AMIRA_TITLE,
    EMBARGO_QUOTE,
    EMBARGO_TITLE,
    LEEDS_DRAFT_QUOTE,
    LEEDS_DRAFT_TITLE,
    NATIONAL_EDITORS,
    PRIYA_QUOTE,
    PRIYA_TITLE,
    ROSE_DRAFT_TITLE,
    ROSE_TITLE,
    Library,
    build_library,
    make_target,
    story_content_type,
)


@pytest.fixture(scope="module")
def _library_ids(demo_network, django_db_blocker):
    """Provisioning a chapter takes most of a second, so the library is built once for this
    module, inside a transaction of its own that is rolled back when the module is done; every
    test still runs in its own (nested) transaction, rolled back after it. The demo network it
    builds on is committed before (a session fixture, set up first)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ids = build_library()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield ids
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    cache.clear()


@pytest.fixture
def library(_library_ids, network) -> Library:
    ids = _library_ids
    stories = Story.objects.in_bulk([pk for name, pk in ids.items() if name != "leeds_site"])

    def target(key, live_texts, draft_texts):
        return make_target(key, stories[ids[key]], live_texts, draft_texts)

    targets = {
        "national_draft": target("national_draft", [], [EMBARGO_TITLE, EMBARGO_QUOTE]),
        "national_live_with_draft": target(
            "national_live_with_draft",
            [AMIRA_TITLE, AMIRA_QUOTE],
            [AMIRA_DRAFT_TITLE, AMIRA_DRAFT_QUOTE],
        ),
        "leeds_live": target("leeds_live", [PRIYA_TITLE, PRIYA_QUOTE], []),
        "leeds_draft": target("leeds_draft", [], [LEEDS_DRAFT_TITLE, LEEDS_DRAFT_QUOTE]),
    }
    assert not targets["national_draft"].story.live
    assert targets["national_live_with_draft"].story.title == AMIRA_TITLE  # the row is live
    assert targets["national_live_with_draft"].story.has_unpublished_changes
    rose = stories[ids["rose"]]
    return Library(
        network=network,
        leeds_site=Site.objects.get(pk=ids["leeds_site"]),
        targets=targets,
        rose=make_target("rose", rose, [ROSE_TITLE, rose.quote], [ROSE_DRAFT_TITLE]),
        coventry_draft=stories[ids["coventry_draft"]],
        offered=stories[ids["offered"]],
        promoted=stories[ids["promoted"]],
    )


@pytest.fixture
def story_workflow(db):
    """Stories go through the network's one story workflow, made by provisioning: a
    site-scoped approval task held by the national editors and every chapter's moderators."""
    workflow = Workflow.objects.get(name="Story approval")
    assert WorkflowContentType.objects.filter(
        workflow=workflow, content_type=story_content_type()
    ).exists()
    task = workflow.workflow_tasks.get().task.specific
    assert task.groups.filter(name=NATIONAL_EDITORS).exists()
    return workflow


@pytest.fixture
def shared_story_workflow(story_workflow, network):
    """One approval task for every story, held by the national editors *and* Coventry's
    editors (Wagtail's snippet workflows are per model, so a chapter that moderates its own
    stories is a reviewer on the shared task)."""
    task = story_workflow.workflow_tasks.get().task.specific
    task.groups.add(network.coventry.editors_group)
    return story_workflow
