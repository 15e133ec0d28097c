"""Brand colours an editor saves must keep every text/background pair the themes use at WCAG AA
(sites.contrast); the demo's colours and a new chapter's defaults pass."""

import io

import pytest
from django.core.management import call_command

from sites.contrast import contrast_failures, contrast_ratio, format_ratio
from sites.models import SiteSettings
from tests.chapters.page_admin import form_errors, settings_url
from tests.helpers import body, form_data
from tests.shared_chapter import leeds_param


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#ffffff", "#000000", "21.00:1"),
        ("#777777", "#777777", "1.00:1"),
        ("#ffffff", "#d84315", "4.43:1"),  # Coventry's first orange, from the issue
        ("#ffffff", "#767676", "4.54:1"),  # the classic lightest grey that passes on white
        ("#0000ff", "#ffffff", "8.59:1"),
    ],
)
def test_contrast_ratio_follows_the_wcag_formula(first, second, expected):
    assert format_ratio(contrast_ratio(first, second)) == expected


def test_white_on_the_old_coventry_orange_is_refused_with_its_ratio():
    failures = contrast_failures(
        {"primary_colour": "#00695c", "accent_colour": "#d84315", "background_colour": "#ffffff"}
    )
    assert [failure.field for failure in failures] == ["accent_colour"]
    assert "4.43:1" in failures[0].message
    assert "4.5:1" in failures[0].message


def test_a_dark_background_fails_the_body_text_and_link_pairs():
    failures = contrast_failures(
        {"primary_colour": "#1d3557", "accent_colour": "#d62839", "background_colour": "#222222"}
    )
    assert {failure.field for failure in failures} == {"primary_colour", "background_colour"}


def test_new_chapter_defaults_pass(leeds):
    leeds_settings = SiteSettings.for_site(leeds.site)
    fresh = SiteSettings()
    for site_settings in (leeds_settings, fresh):
        colours = {
            name: getattr(site_settings, name)
            for name in ("primary_colour", "accent_colour", "background_colour")
        }
        assert contrast_failures(colours) == [], colours


def test_demo_colours_pass(network):
    for site in (network.national_site, network.coventry_site):
        site_settings = SiteSettings.for_site(site)
        site_settings.full_clean()  # raises on a failing pair


def _post_colours(client, site, **colours):
    url = settings_url(site)
    form = client.get(url)
    assert form.status_code == 200
    data = form_data(form)
    for name, value in colours.items():
        data[name] = [value]
    return client.post(url, data)


@pytest.mark.parametrize("where", ["coventry", leeds_param()])
def test_site_settings_refuse_failing_colours_and_show_the_ratio(
    where, request, network, coventry_client
):
    if where == "leeds":
        site = request.getfixturevalue("leeds").site
        client = request.getfixturevalue("leeds_client")
    else:
        site, client = network.coventry_site, coventry_client
    before = SiteSettings.for_site(site)

    response = _post_colours(client, site, accent_colour="#d84315", primary_colour="#7fb3d5")

    assert response.status_code == 200  # the form again, not a redirect
    text = body(response)
    assert (
        "White text on the accent colour (buttons, banner) has a contrast ratio of 4.43:1" in text
    )
    assert "White text on the primary colour (header, menu) has a contrast ratio of 2.2" in text
    assert "WCAG AA needs at least 4.5:1" in text
    after = SiteSettings.objects.get(pk=before.pk)
    assert (after.primary_colour, after.accent_colour, after.updated_at) == (
        before.primary_colour,
        before.accent_colour,
        before.updated_at,
    )


@pytest.mark.parametrize("where", ["coventry", leeds_param()])
def test_site_settings_accept_passing_colours(where, request, network, coventry_client):
    if where == "leeds":
        site = request.getfixturevalue("leeds").site
        client = request.getfixturevalue("leeds_client")
    else:
        site, client = network.coventry_site, coventry_client

    response = _post_colours(client, site, accent_colour="#bf360c", primary_colour="#004d40")

    assert response.status_code == 302, form_errors(response)
    saved = SiteSettings.for_site(site)
    assert (saved.primary_colour, saved.accent_colour) == ("#004d40", "#bf360c")


@pytest.mark.parametrize(("before", "after"), [("#d84315", "#c63f0f"), ("#bf360c", "#bf360c")])
def test_load_demo_on_an_existing_database_replaces_only_the_old_failing_orange(
    network, before, after
):
    """`make demo` again: Coventry's first orange (4.43:1) is moved on; an editor's is kept."""
    SiteSettings.objects.filter(site=network.coventry_site).update(accent_colour=before)
    call_command("load_demo", port=network.coventry_site.port, stdout=io.StringIO())
    assert SiteSettings.for_site(network.coventry_site).accent_colour == after
