"""create_chapter: a new chapter site, ready for its editors, in one transaction."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
)
from wagtail.permission_policies.pages import PagePermissionPolicy

from chapters.models import Chapter
from sites.models import SiteSettings

LEEDS = {"name": "Leeds Connects", "hostname": "leeds.localhost", "city": "Leeds"}


def _counts():
    return {
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "chapters": Chapter.objects.count(),
        "collections": Collection.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
        "site_permissions": GroupSitePermission.objects.count(),
        "settings": SiteSettings.objects.count(),
        "workflows": Workflow.objects.count(),
        "tasks": GroupApprovalTask.objects.count(),
    }


@pytest.fixture
def leeds(network):
    call_command("create_chapter", "leeds", **LEEDS, stdout=mock.MagicMock())
    return Chapter.objects.select_related("site").get(slug="leeds")


def test_create_chapter_makes_a_site_with_its_sections(leeds):
    home = leeds.site.root_page.specific
    assert leeds.site.hostname == "leeds.localhost"
    assert leeds.city == "Leeds"
    assert home.__class__.__name__ == "ChapterHomePage"
    sections = list(home.get_children().live().values_list("title", flat=True))
    assert sections == ["About", "Stories", "Get involved", "News", "Newsletter"]
    assert leeds.collection.get_parent() == Collection.get_first_root_node()


def test_new_chapter_host_answers_with_its_own_branding(client, leeds):
    response = client.get("/", HTTP_HOST="leeds.localhost")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leeds Connects" in html
    assert 'class="theme-chapter"' in html
    assert "Working together to build strong relationships" not in html  # the national tagline
    about = client.get("/about/", HTTP_HOST="leeds.localhost")
    assert about.status_code == 200
    assert "Leeds Connects" in about.content.decode()


def test_create_chapter_twice_changes_nothing(leeds):
    before = _counts()
    out = mock.MagicMock()
    call_command("create_chapter", "leeds", **LEEDS, stdout=out)
    assert _counts() == before
    assert "Already present" in "".join(str(call.args[0]) for call in out.write.call_args_list)


def test_chapter_groups_are_scoped_to_their_own_tree_collection_and_settings(leeds):
    home = leeds.site.root_page
    for group in (leeds.editors_group, leeds.moderators_group):
        pages = set(GroupPagePermission.objects.filter(group=group).values_list("page", flat=True))
        assert pages == {home.pk}
        collections = set(
            GroupCollectionPermission.objects.filter(group=group).values_list(
                "collection", flat=True
            )
        )
        assert collections == {leeds.collection.pk}
        sites = set(GroupSitePermission.objects.filter(group=group).values_list("site", flat=True))
        assert sites == {leeds.site.pk}
        assert group.permissions.filter(codename="access_admin").exists()


def test_new_chapter_editor_explores_only_their_own_tree(client, leeds, network):
    editor = get_user_model().objects.create_user("leeds-editor", password="x")
    editor.groups.add(leeds.editors_group)
    policy = PagePermissionPolicy()
    assert policy.explorable_root_instance(editor).pk == leeds.site.root_page_id
    client.force_login(editor)
    coventry_about = network.coventry_page("about")
    response = client.get(f"/admin/pages/{coventry_about.pk}/edit/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/")
    assert "/edit/" not in response.url
    own_about = leeds.site.root_page.get_children().get(slug="about")
    assert client.get(f"/admin/pages/{own_about.pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("slug", "options", "message"),
    [
        ("leeds", {**LEEDS, "hostname": "localhost"}, "already used by the site"),
        ("leeds", {**LEEDS, "hostname": "coventry.localhost"}, "already used by the site"),
        ("coventry", {**LEEDS}, "already exists with the hostname"),
        ("Bad Slug!", {**LEEDS}, "lowercase letters"),
        ("leeds", {**LEEDS, "hostname": "https://leeds.example.org/"}, "is not a hostname"),
        ("leeds", {**LEEDS, "name": "  "}, "needs a name"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    network, slug, options, message
):
    before = _counts()
    with pytest.raises(CommandError, match=message):
        call_command("create_chapter", slug, **options)
    assert _counts() == before


def test_a_failure_half_way_leaves_nothing_behind(network):
    before = _counts()
    with (
        mock.patch("chapters.provisioning.grant_site_editing", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        call_command("create_chapter", "leeds", **LEEDS)
    assert _counts() == before
    assert not Site.objects.filter(hostname="leeds.localhost").exists()


def test_chapter_pages_are_approved_by_the_chapter_moderators_only(leeds, network):
    about = leeds.site.root_page.get_children().get(slug="about")
    workflow = about.get_workflow()
    assert workflow.name == "Leeds Connects approval"
    (task,) = [task.specific for task in workflow.tasks]
    assert list(task.groups.all()) == [leeds.moderators_group]
    national_workflow = network.national_page("about").get_workflow()
    assert national_workflow is None or national_workflow.pk != workflow.pk


@pytest.mark.parametrize(
    "url", ["/admin/reports/page-types-usage/", "/admin/reports/page-types-usage/results/"]
)
def test_network_wide_page_types_report_is_closed_to_chapter_editors(
    client, coventry_editor, superuser, url
):
    client.force_login(coventry_editor)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Community Makes Us" not in refused.content.decode()
    assert "Clymblaid Cysylltiad" not in refused.content.decode()
    menu = client.get("/admin/reports/aging-pages/").content.decode()
    assert "page-types-usage" not in menu
    client.force_login(superuser)
    allowed = client.get(url)
    assert allowed.status_code == 200
    assert "Campaign Page" in allowed.content.decode()
    assert "page-types-usage" in client.get("/admin/reports/aging-pages/").content.decode()


def test_page_chooser_offers_only_the_editors_own_site(client, coventry_editor, network):
    client.force_login(coventry_editor)
    root = client.get("/admin/choose-page/").content.decode()
    assert "Connecting for Good" in root
    assert "Connection Coalition" not in root
    national = client.get(f"/admin/choose-page/{network.national_home.pk}/", follow=True)
    assert "Community Makes Us" not in national.content.decode()
    assert "Connection Coalition" not in national.content.decode()
    searched = client.get("/admin/choose-page/search/?q=Community").content.decode()
    assert "Community Makes Us" not in searched
    own = client.get(f"/admin/choose-page/{network.coventry_home.pk}/").content.decode()
    assert "Get involved" in own


def test_superuser_chooser_still_sees_every_site(client, superuser, network):
    client.force_login(superuser)
    root = client.get("/admin/choose-page/").content.decode()
    assert "Connecting for Good" in root and "Connection Coalition" in root


def test_create_chapter_under_https_settings_makes_an_https_site(network, settings):
    """Production settings redirect to https: the chapter's Site is on port 443 unless told
    otherwise, so the links in its emails (confirmations, unsubscribe) are https."""
    settings.SECURE_SSL_REDIRECT = True
    call_command("create_chapter", "leeds", **LEEDS, stdout=mock.MagicMock())
    site = Chapter.objects.get(slug="leeds").site
    assert site.port == 443
    assert site.root_url == "https://leeds.localhost"

    call_command(
        "create_chapter",
        "york",
        name="York",
        hostname="york.localhost",
        port=8080,
        stdout=mock.MagicMock(),
    )
    assert Chapter.objects.get(slug="york").site.root_url == "http://york.localhost:8080"


def test_create_chapter_without_https_settings_makes_a_port_80_site(leeds):
    assert leeds.site.port == 80
    assert leeds.site.root_url == "http://leeds.localhost"
