"""Every admin URL, walked by a chapter editor with another site's objects in its arguments.

The guard for the next Wagtail upgrade: rather than a list of views someone remembered, the test
reads every URL pattern under `admin/` from Django's resolver (includes recursed, converters and
default arguments applied) and fills each argument with another site's object of the matching
kind, inferred from the view (its `model`, its permission policy's, its namespace's) and from
the argument's name (`page_id`, `revision_id`, `task_state_id`, `list_id`, `app_label` ...). A
URL of several arguments is also filled with the walker's own object first and the other site's
in the rest, since a view must check that they belong together. Each URL is requested as
`leeds-editor` (Leeds made by `create_chapter` in the test) with the national site's and
Coventry's objects, and as `coventry-editor` with Leeds's (WALKERS: the national site's objects
once, the chapters' both ways; what Leeds has nothing of, such as join requests, Welsh
translations and SMTP servers, is walked by Leeds's editor, and the Coventry walk checks that it
is): GET, an empty POST and, when that POST got past the permission check, a POST of foreign
ids in the usual field names; listings, choosers, APIs and bulk actions also with
`?id=<foreign>...`, `?q=<a word every secret title holds>` and `?parent=<foreign page>`. Each
request runs in a savepoint rolled back afterwards, so a hole that deletes or moves something
cannot change the requests after it.

Every site gets secrets an editor of another site must never read, each a unique token
(`Zq<site>...`), so a match is a leak and never public content: a draft of its home page (not in
moderation) and of its volunteer form (or about page; in moderation) with an embargoed phrase,
a never-published page, an image, a document, a draft story with its resident's name and
email, the submitter's email of a published story, a subscriber, where someone on every list
signed up for this one, a volunteer's answers, a redirect, a chapter's contact email; the
national site also a pending join request and a Welsh draft. Live titles are public and never
markers. A response fails the walk when it is a 500 or shows another site's token anywhere:
HTML, JSON, a streamed export, a redirect's Location, the page that redirect leads to, or the
flash message a refusal leaves for the dashboard (read from the message cookie: the dashboard
itself is walked once, rendering it after every refusal would triple the walk's time).

Failures are collected and reported together, one line per pattern, method and what it showed;
the counts go to the junit properties. `test_the_walk_sees_every_secret_where_it_may` is the
positive control: the superuser is shown every token.
"""

import logging
import os
import re
import time

import pytest
from django.contrib.auth import get_user_model

from tests.chapters.url_walk import (
    NOT_WALKED,
    WALKERS,
    Walker,
    admin_routes,
    fill,
    summarise,
    walk,
    walked_elsewhere,
)


@pytest.mark.parametrize("username", sorted(WALKERS))
def test_admin_url_walk(walk_scene, username, record_property, capsys, plain_rendering):
    own, foreign_keys = WALKERS[username]
    foreign = [walk_scene[key] for key in foreign_keys]
    user = get_user_model().objects.get(username=username)
    routes = admin_routes()
    only = os.environ.get("URL_WALK_ONLY")
    if only:
        routes = [route for route in routes if re.search(only, route.route)]
    walker = Walker(user, foreign)
    started = time.monotonic()
    logging.disable(logging.CRITICAL)  # each 404 and 405 would log; findings say what matters
    try:
        walked, unwalked = walk(walker, routes, foreign, walk_scene[own])
    finally:
        logging.disable(logging.NOTSET)
    elapsed = time.monotonic() - started

    findings = summarise(walker.findings)
    elsewhere = walked_elsewhere(username, unwalked, walk_scene, routes)
    record_property("patterns_found", len(routes))
    record_property("patterns_walked", len(walked))
    record_property("patterns_not_walked", len(unwalked))
    record_property("requests", walker.requests)
    record_property("findings", len(findings))
    record_property("seconds", round(elapsed, 1))
    with capsys.disabled():
        print(
            f"\n[{username}] patterns found {len(routes)}, walked {len(walked)}, "
            f"not walked {len(unwalked)}, requests {walker.requests}, "
            f"findings {len(findings)}, {elapsed:.0f}s, statuses {dict(walker.statuses)}"
        )
        for route, why in sorted(unwalked.items()):
            by = f", walked by {elsewhere[route]}" if route in elsewhere else ""
            print(f"  not walked: {route} ({why}){by}")
        for finding in findings:
            print(f"  FOUND {finding}")
    unexpected = sorted(set(unwalked) - set(NOT_WALKED) - set(elsewhere))
    assert not unexpected, f"patterns the walk cannot fill (teach it or list them): {unexpected}"
    assert not findings, f"{len(findings)} leaks or 500s:\n" + "\n".join(findings)


# Views where the one who may see them sees every secret: the walk's positive control.
CONTROL_VIEWS = re.compile(
    r"^(wagtailadmin_pages:edit|wagtailimages:edit|wagtaildocs:edit"
    r"|wagtailsnippets_stories_story:edit|newsletter_admin:subscribers"
    r"|wagtailforms:list_submissions|wagtailsettings:edit|wagtailredirects:index"
    r"|coalition_join_requests:decide|newsletter_admin:export"
    r"|wagtail_localize:translations_report|newsletter_smtp_servers:edit)$"
)


def test_the_walk_sees_every_secret_where_it_may(walk_scene, superuser, plain_rendering):
    """The superuser, walked the same way through the views made to show them, is shown every
    secret: the tokens are real and the walk's reading of responses finds them."""
    tenants = list(walk_scene.values())
    walker = Walker(superuser, tenants)
    for route in admin_routes():
        if route.name and CONTROL_VIEWS.match(route.name):
            for tenant in tenants:
                for filled in fill(route, tenant)[0]:
                    walker.request(route, filled.url, "GET")
                    walker.request(route, f"{filled.url}?q=zq", "GET")  # subscribers: a search
    shown = {label for finding in walker.findings for label in finding.what.split(", ")}
    every = {label for tenant in tenants for label in tenant.markers}
    assert every - shown == set(), f"never shown, even to the superuser: {every - shown}"
