"""A chapter editor cannot reach the national site through the Wagtail admin, even by typing URLs.

`coventry-editor` is refused on every admin view of national pages (edit, preview, history,
revisions, copy, delete, move, unpublish, lock, privacy, add, translate, bulk actions), on the
national site's settings and on the national collection's images and documents: the response
carries none of the national content, and the database is unchanged afterwards. Every refusal
has a positive control (the same view works for the user who *is* allowed), so a broken login
or a mistyped URL cannot make the refusals pass on their own.

How Wagtail 8 refuses: a view that raises PermissionDenied inside the admin answers
302 -> the admin dashboard (`wagtailadmin_home`) with the error message
"Sorry, you do not have permission to access this area."; the page explorer instead sends the
user to the explorable root of their own tree; an anonymous user is sent to the admin login.
Bulk actions answer 200 with a "You don't have permission to ..." list instead (and must not
name the pages in it).

Each national page under test first gets an unpublished draft with a new title and an embargoed
phrase, so a leak of draft content (not only of what is already public) is caught too.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from sites.models import SiteSettings
from tests.chapters.page_admin import (
    BULK_ACTIONS,
    COVENTRY_IMAGE,
    DRAFT_TITLE,
    GET_VIEWS,
    HIJACKED,
    NATIONAL_DISPLAY_NAME,
    NATIONAL_DOCUMENT,
    NATIONAL_EMAIL,
    NATIONAL_IMAGE,
    PAGE_VIEWS,
    WORKFLOW_VIEWS,
    assert_allowed,
    bulk_url,
    explore,
    form_errors,
    lock_page_first,
    redirect_chain,
    settings_url,
    sidebar_explorer_start_page,
    snapshot,
    view_id,
    workflow_snapshot,
)
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.helpers import (
    DENIED,
    admin_home,
    assert_no_leak,
    assert_refused,
    body,
    form_data,
    logged_in,
)

# --- the admin views of one page ----------------------------------------------------------


@pytest.mark.parametrize("view", PAGE_VIEWS, ids=view_id)
def test_coventry_editor_is_refused_on_national_page(
    view, national_scene, network, coventry_client, national_editor
):
    scene = national_scene
    if view.lock_first:
        lock_page_first(scene, national_editor)
    before = snapshot(network)

    url = view.url(scene)
    if view.method == "get":
        response = coventry_client.get(url)
    else:
        response = coventry_client.post(url, view.data(scene))

    assert_no_leak(response, [scene.title, *scene.secrets], f"{view.method.upper()} {url}")
    assert response.status_code == 302, f"{view.method.upper()} {url} was not refused"
    hops, landing = redirect_chain(coventry_client, response)
    # The page guard (chapters.admin_guards) refuses before any check of Wagtail's own, e.g.
    # the slug clash that would send a move back to the move view first.
    assert hops[-1] == admin_home()
    assert len(hops) == view.hops, hops
    assert landing.status_code == 200
    assert DENIED in body(landing)
    assert_no_leak(landing, [scene.title, *scene.secrets], f"the page {url} redirected to")
    assert snapshot(network) == before


EDITOR_GET_VIEWS = [view for view in GET_VIEWS if not view.superuser_only]


# Moving a national page into Coventry is refused to the national editor too (their
# permissions stop at their own site); their move confirmation is tested inside their tree below.
NATIONAL_EDITOR_GET_VIEWS = [
    view for view in EDITOR_GET_VIEWS if not view.id.startswith("move_confirm")
]


@pytest.mark.parametrize("view", NATIONAL_EDITOR_GET_VIEWS, ids=view_id)
def test_national_editor_can_open_the_same_views(view, national_scene, national_client):
    """Positive control: every refused URL is a real, working view for the national editor."""
    assert_allowed(national_client.get(view.url(national_scene)), view, national_scene)


def test_national_editor_confirms_a_move_inside_their_own_site(network, national_client):
    about = network.national_page("about")
    campaign = network.national_page("community-makes-us")
    url = reverse("wagtailadmin_pages:move_confirm", args=[about.pk, campaign.pk])
    response = national_client.get(url)
    assert response.status_code == 200
    assert about.title in body(response)


def test_national_editor_may_not_move_a_page_into_a_chapter_site(network, national_client):
    about = network.national_page("about")
    target = network.coventry_page("get-involved")
    url = reverse("wagtailadmin_pages:move_confirm", args=[about.pk, target.pk])
    response = national_client.get(url, follow=True)
    assert DENIED in body(response)
    assert about.title not in body(response)


def test_national_editor_sees_the_national_content_in_the_edit_view(
    national_scene, national_client
):
    """The leak markers are real: the edit view shows them to someone allowed to see them."""
    response = national_client.get(
        reverse("wagtailadmin_pages:edit", args=[national_scene.page.pk])
    )
    assert response.status_code == 200
    text = body(response)
    for secret in national_scene.secrets:  # the form shows the draft, so not the live title
        assert secret in text


@pytest.mark.parametrize("view", [view for view in GET_VIEWS if view.superuser_only], ids=view_id)
def test_superuser_can_open_the_views_no_editor_may_use(view, national_scene, superuser):
    assert_allowed(logged_in(superuser).get(view.url(national_scene)), view, national_scene)


@pytest.mark.parametrize("view", EDITOR_GET_VIEWS, ids=view_id)
def test_coventry_editor_can_open_the_views_of_a_coventry_page(
    view, coventry_scene, coventry_client
):
    assert_allowed(coventry_client.get(view.url(coventry_scene)), view, coventry_scene)


# --- moderation: a national page waiting for the national editors' approval -------------


@pytest.mark.parametrize("view", WORKFLOW_VIEWS, ids=view_id)
def test_coventry_editor_is_refused_on_national_moderation(
    view, moderation, network, coventry_client
):
    before = snapshot(network), workflow_snapshot(moderation)
    url = view.url(moderation)
    if view.method == "get":
        response = coventry_client.get(url)
    else:
        response = coventry_client.post(url, view.data(moderation))
    assert_no_leak(response, moderation.secrets, f"{view.method.upper()} {url}")
    assert response.status_code == 302, f"{view.method.upper()} {url} was not refused"
    hops, landing = redirect_chain(coventry_client, response)
    assert hops == [admin_home()]
    assert DENIED in body(landing)
    assert_no_leak(landing, moderation.secrets, f"the page {url} redirected to")
    assert (snapshot(network), workflow_snapshot(moderation)) == before


@pytest.mark.parametrize(
    "view", [view for view in WORKFLOW_VIEWS if view.method == "get"], ids=view_id
)
def test_national_editor_can_open_the_moderation_views(view, moderation, national_client):
    response = national_client.get(view.url(moderation))
    assert response.status_code == 200
    assert DENIED not in body(response)


def test_national_editor_can_approve_national_moderation(moderation, national_client):
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[moderation.page.pk, "approve", moderation.task_state.pk],
    )
    response = national_client.post(url, {"comment": ""})
    assert response.status_code == 302
    assert workflow_snapshot(moderation) == ("approved", "approved")
    assert Page.objects.get(pk=moderation.page.pk).title == DRAFT_TITLE  # published


# --- bulk actions: the same operations reached through /admin/bulk/ ----------------------


@pytest.mark.parametrize("action", sorted(BULK_ACTIONS))
def test_bulk_action_confirmation_for_a_national_page_shows_nothing(
    action, national_scene, coventry_client
):
    """Wagtail answers the bulk-action form with 200 and a list of the pages the user may not
    act on; that list must not name the national page."""
    response = coventry_client.get(bulk_url(action, national_scene.page))
    assert response.status_code == 200
    assert BULK_ACTIONS[action][1] in body(response)
    assert_no_leak(response, [national_scene.title, *national_scene.secrets], f"bulk {action}")


@pytest.mark.parametrize("action", sorted(BULK_ACTIONS))
def test_bulk_action_on_a_national_page_changes_nothing(
    action, national_scene, network, coventry_client
):
    data = BULK_ACTIONS[action][0]
    if data is None:
        data = {"chooser": national_scene.coventry_get_involved.pk}
    before = snapshot(network)
    response = coventry_client.post(bulk_url(action, national_scene.page), data)
    assert response.status_code == 302
    assert_no_leak(response, [national_scene.title, *national_scene.secrets], f"bulk {action}")
    assert snapshot(network) == before


def test_bulk_action_is_a_working_view_for_the_national_editor(network, national_client):
    about = network.national_page("about")
    response = national_client.get(bulk_url("unpublish", about))
    assert response.status_code == 200
    assert about.title in body(response)
    assert "You don't have permission" not in body(response)

    response = national_client.post(bulk_url("unpublish", about), {})
    assert response.status_code == 302
    about.refresh_from_db()
    assert about.live is False


# --- positive POSTs on Coventry's own pages --------------------------------------------


def test_coventry_editor_can_unpublish_own_page(network, coventry_client):
    page = network.coventry_page("get-involved")
    url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
    response = coventry_client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == explore(network.coventry_home)
    page.refresh_from_db()
    assert page.live is False


def test_coventry_editor_can_copy_own_page(network, coventry_client):
    page = network.coventry_page("about")
    response = coventry_client.post(
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
        {
            "new_title": "About us (copy)",
            "new_slug": "about-copy",
            "new_parent_page": network.coventry_home.pk,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = network.coventry_home.get_children().get(slug="about-copy")
    assert copy.title == "About us (copy)"
    assert copy.live


def test_coventry_editor_can_move_delete_and_lock_own_pages(network, coventry_client):
    about = network.coventry_page("about")
    target = network.coventry_page("get-involved")
    response = coventry_client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[about.pk, target.pk])
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=about.pk).get_parent().pk == target.pk

    response = coventry_client.post(reverse("wagtailadmin_pages:lock", args=[target.pk]))
    assert response.status_code == 302
    assert Page.objects.get(pk=target.pk).locked

    news = network.coventry_page("news")
    response = coventry_client.post(reverse("wagtailadmin_pages:delete", args=[news.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=news.pk).exists()


# --- the page explorer starts at the user's own tree -------------------------------------


def test_explorable_root_is_the_users_own_home(network, coventry_editor, national_editor):
    policy = PagePermissionPolicy()
    assert policy.explorable_root_instance(coventry_editor).pk == network.coventry_home.pk
    assert policy.explorable_root_instance(national_editor).pk == network.national_home.pk
    explorable = policy.explorable_instances(coventry_editor)
    assert not explorable.filter(pk=network.national_page("about").pk).exists()


def test_coventry_editor_explorer_shows_coventry_not_national(network, coventry_client):
    response = coventry_client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302
    assert response["Location"] == explore(network.coventry_home)
    listing = coventry_client.get(response["Location"])
    assert listing.status_code == 200
    text = body(listing)
    assert "Connecting for Good" in text
    assert "Get involved" in text
    for national in ["About the Connection Coalition", "Community Makes Us", "Why now?"]:
        assert national not in text


def test_national_editor_explorer_shows_national_not_coventry(network, national_client):
    response = national_client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302
    assert response["Location"] == explore(network.national_home)
    listing = national_client.get(response["Location"])
    assert listing.status_code == 200
    text = body(listing)
    assert "About the Connection Coalition" in text
    assert "Community Makes Us" in text
    assert "Get involved" not in text


def test_sidebar_pages_menu_starts_at_the_users_own_home(network, coventry_client, national_editor):
    dashboard = coventry_client.get(admin_home())
    assert dashboard.status_code == 200
    assert sidebar_explorer_start_page(dashboard) == network.coventry_home.pk
    assert_no_leak(dashboard, ["About the Connection Coalition", "Why now?"], "the dashboard")
    national_dashboard = logged_in(national_editor).get(admin_home())
    assert sidebar_explorer_start_page(national_dashboard) == network.national_home.pk


@pytest.mark.parametrize("results", [False, True], ids=["explore", "explore_results"])
def test_coventry_editor_exploring_a_national_page_lands_in_coventry(
    results, national_scene, network, coventry_client
):
    name = "wagtailadmin_explore_results" if results else "wagtailadmin_explore"
    response = coventry_client.get(reverse(name, args=[national_scene.page.pk]))
    assert response.status_code == 302
    assert response["Location"] == explore(network.coventry_home)
    landing = coventry_client.get(response["Location"])
    assert landing.status_code == 200
    assert "Get involved" in body(landing)
    assert_no_leak(landing, national_scene.secrets, "the explorer")
    assert "About the Connection Coalition" not in body(landing)


def test_admin_page_search_finds_only_own_pages(network, coventry_client, national_editor):
    url = reverse("wagtailadmin_pages:search_results") + "?q=Coalition"
    assert "About the Connection Coalition" in body(logged_in(national_editor).get(url))
    response = coventry_client.get(url)
    assert response.status_code == 200
    assert "About the Connection Coalition" not in body(response)


# --- site settings -------------------------------------------------------------------------


def test_coventry_editor_is_refused_on_national_settings(network, coventry_client):
    before = snapshot(network)
    response = coventry_client.get(settings_url(network.national_site))
    assert response.status_code == 302
    assert response["Location"] == admin_home()
    landing = coventry_client.get(response["Location"])
    assert DENIED in body(landing)
    for response_ in (response, landing):
        assert_no_leak(response_, [NATIONAL_DISPLAY_NAME, NATIONAL_EMAIL], "national settings")
    assert snapshot(network) == before


def test_coventry_editor_cannot_post_national_settings(network, coventry_client, national_editor):
    # A complete, valid form, as the national editor would submit it.
    national_form = logged_in(national_editor).get(settings_url(network.national_site))
    assert national_form.status_code == 200
    data = form_data(national_form)
    assert data["display_name"] == [NATIONAL_DISPLAY_NAME]
    # About, Campaign, Stories, Members, Find your local group, News, Newsletter
    assert data["navigation_items-TOTAL_FORMS"] == ["7"]
    data["display_name"] = [HIJACKED]
    data["contact_email"] = ["takeover@coventry.example"]

    before = snapshot(network)
    response = coventry_client.post(settings_url(network.national_site), data)
    assert response.status_code == 302
    assert response["Location"] == admin_home()
    landing = coventry_client.get(response["Location"])
    assert DENIED in body(landing)
    assert_no_leak(landing, [NATIONAL_DISPLAY_NAME, NATIONAL_EMAIL], "national settings")
    assert snapshot(network) == before
    settings = SiteSettings.for_site(network.national_site)
    assert settings.display_name == NATIONAL_DISPLAY_NAME
    assert settings.contact_email == NATIONAL_EMAIL


def test_coventry_editor_can_edit_own_settings(network, coventry_client):
    url = settings_url(network.coventry_site)
    form = coventry_client.get(url)
    assert form.status_code == 200
    assert "Connecting for Good Coventry" in body(form)
    assert NATIONAL_EMAIL not in body(form)

    data = form_data(form)
    assert data["navigation_items-TOTAL_FORMS"] == ["5"]
    assert data["social_links-TOTAL_FORMS"] == ["1"]
    data["display_name"] = ["Connecting for Good (Coventry)"]
    before_national = snapshot(network)["national_settings"]
    response = coventry_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == url

    settings = SiteSettings.for_site(network.coventry_site)
    assert settings.display_name == "Connecting for Good (Coventry)"
    assert settings.navigation_items.count() == 5
    assert settings.social_links.count() == 1
    assert snapshot(network)["national_settings"] == before_national


@pytest.mark.parametrize("host", [NATIONAL_HOST, COVENTRY_HOST])
def test_bare_settings_url_sends_coventry_editor_to_coventry(host, network, coventry_client):
    response = coventry_client.get(settings_url(), HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == settings_url(network.coventry_site)


def test_bare_settings_url_sends_national_editor_to_national(network, national_client):
    response = national_client.get(settings_url(), HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 302
    assert response["Location"] == settings_url(network.national_site)


# --- collections: images and documents ------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["wagtailimages:edit", "wagtailimages:delete"])
def test_coventry_editor_cannot_edit_or_delete_national_image(
    name, method, national_image, coventry_client
):
    url = reverse(name, args=[national_image.pk])
    response = getattr(coventry_client, method)(url, {"title": HIJACKED})
    assert_refused(coventry_client, response, [NATIONAL_IMAGE], f"{method.upper()} {url}")
    national_image.refresh_from_db()
    assert national_image.title == NATIONAL_IMAGE


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["wagtaildocs:edit", "wagtaildocs:delete"])
def test_coventry_editor_cannot_edit_or_delete_national_document(
    name, method, national_document, coventry_client
):
    url = reverse(name, args=[national_document.pk])
    response = getattr(coventry_client, method)(url, {"title": HIJACKED})
    assert_refused(coventry_client, response, [NATIONAL_DOCUMENT], f"{method.upper()} {url}")
    national_document.refresh_from_db()
    assert national_document.title == NATIONAL_DOCUMENT


@pytest.mark.parametrize(
    "name", ["wagtailimages:index", "wagtailimages:index_results", "wagtailimages_chooser:choose"]
)
def test_image_listings_show_coventry_editor_only_coventry_images(
    name, national_image, coventry_client, national_editor
):
    mine = coventry_client.get(reverse(name))
    assert mine.status_code == 200
    assert COVENTRY_IMAGE in body(mine)
    assert NATIONAL_IMAGE not in body(mine)
    assert "Connection Coalition logo" not in body(mine)
    # positive control: the listing does show the national image to the national editor
    assert NATIONAL_IMAGE in body(logged_in(national_editor).get(reverse(name)))


@pytest.mark.parametrize(
    "name", ["wagtaildocs:index", "wagtaildocs:index_results", "wagtaildocs_chooser:choose"]
)
def test_document_listings_show_coventry_editor_only_coventry_documents(
    name, national_document, coventry_document, coventry_client, national_editor
):
    mine = coventry_client.get(reverse(name))
    assert mine.status_code == 200
    assert coventry_document.title in body(mine)
    assert NATIONAL_DOCUMENT not in body(mine)
    assert NATIONAL_DOCUMENT in body(logged_in(national_editor).get(reverse(name)))


def test_coventry_editor_can_edit_a_coventry_image(network, coventry_client):
    image = get_image_model().objects.get(title=COVENTRY_IMAGE)
    response = coventry_client.get(reverse("wagtailimages:edit", args=[image.pk]))
    assert response.status_code == 200
    assert COVENTRY_IMAGE in body(response)


# --- anonymous -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_user_is_sent_to_the_admin_login(method, network, client):
    about = network.national_page("about")
    url = reverse("wagtailadmin_pages:edit", args=[about.pk])
    before = snapshot(network)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"title": HIJACKED, "slug": "about"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={url}"
    assert_no_leak(response, [about.title, "Why now?"], "anonymous edit")
    assert snapshot(network) == before


def test_anonymous_user_is_sent_to_the_login_for_national_settings(network, client):
    url = settings_url(network.national_site)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={url}"


def test_demo_accounts_are_what_the_tests_assume(coventry_editor, national_editor):
    """Neither editor is a superuser or staff: otherwise every refusal above means nothing."""
    for user in (coventry_editor, national_editor):
        assert not user.is_superuser
        assert user.is_active
    assert get_user_model().objects.filter(username="coventry-editor").count() == 1
