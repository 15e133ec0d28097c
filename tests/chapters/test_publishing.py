"""The decision on publishing (README, "Who publishes"): a site's editors publish its pages
directly; its approval workflow is there for an editor who wants a second pair of eyes, and
only that site's moderators review what is submitted to it. The demo's accounts match: the
national editor and coventry-editor publish on their own site and nowhere else. On the national
site, Coventry and Leeds (made by create_chapter)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from chapters.models import Chapter
from tests.helpers import body, form_data
from tests.shared_chapter import leeds_param
from tests.stories.library import form_errors


@pytest.fixture(params=["national", "coventry", leeds_param()])
def editor_and_home(request, network, client):
    """(a client logged in as the site's editor, its home page, its chapter or None)."""
    users = get_user_model().objects
    if request.param == "leeds":
        leeds = request.getfixturevalue("leeds")
        user, chapter = request.getfixturevalue("leeds_editor"), leeds
    elif request.param == "coventry":
        user, chapter = users.get(username="coventry-editor"), network.coventry
    else:
        user, chapter = users.get(username="national-editor"), None
    client.force_login(user)
    home = chapter.site.root_page if chapter else network.national_site.root_page
    return client, home, chapter


def _add_url(home: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["core", "standardpage", home.pk])


def test_a_sites_editor_publishes_directly(editor_and_home):
    client, home, _chapter = editor_and_home
    add_form = client.get(_add_url(home))
    assert 'name="action-publish"' in body(add_form)  # "Publish", not only "Submit for…"
    assert 'name="action-submit"' in body(add_form)  # the second pair of eyes, if wanted

    data = form_data(add_form)
    data.update(title=["Walks this summer"], slug=["walks-this-summer"], **{"body-count": ["0"]})
    data["action-publish"] = ["action-publish"]
    response = client.post(_add_url(home), data)
    assert response.status_code == 302, form_errors(response)
    page = Page.objects.get(slug="walks-this-summer", path__startswith=home.path)
    assert page.live and not page.has_unpublished_changes
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()


def test_what_is_submitted_goes_to_the_sites_own_moderators(editor_and_home, network):
    _client, home, chapter = editor_and_home
    workflow = home.get_workflow()
    assert workflow is not None
    approvers = {group for task in workflow.tasks.specific() for group in task.groups.all()}
    if chapter is not None:
        assert approvers == {chapter.moderators_group}
    else:  # the national site: the national editors approve
        assert {group.name for group in approvers} == {"National editors"}
    others = Chapter.objects.exclude(pk=getattr(chapter, "pk", None))
    other_groups = {c.moderators_group for c in others} | {c.editors_group for c in others}
    assert not approvers & other_groups


def test_the_demo_editors_publish_nowhere_else(network, client):
    coventry_editor = get_user_model().objects.get(username="coventry-editor")
    national_editor = get_user_model().objects.get(username="national-editor")
    national_home = network.national_site.root_page
    coventry_home = network.coventry_site.root_page
    assert coventry_home.permissions_for_user(coventry_editor).can_publish()
    assert not national_home.permissions_for_user(coventry_editor).can_publish()
    assert national_home.permissions_for_user(national_editor).can_publish()
    assert not coventry_home.permissions_for_user(national_editor).can_publish()
