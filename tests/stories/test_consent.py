"""The periodic consent check: stories whose consent lapsed are unpublished and their editors
told, once. (That readers stop seeing them at once, before this task runs, is in
tests/stories/test_public.py.) Celery runs tasks eagerly in tests; the task is called directly.

The scene is made with factories: two sites, a chapter's (whose stories' editors hold a site
permission) and a national one (with none, so its stories' editors are the network-wide ones),
one editor of each the only active users."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.stories.models import Story
from cms.stories.tasks import notify_consent_lapsed, withdraw_lapsed_stories
from tests.factories import SiteFactory, StoryFactory, story_editor

TASK_NAME = "cms.stories.tasks.withdraw_lapsed_stories"
COVENTRY_EDITOR = "coventry-stories@example.test"
NATIONAL_EDITOR = "network-stories@example.test"
LAPSED = {"expired-yesterday", "expires-today", "withdrawn"}


def published_story(site, slug: str, **consent) -> Story:
    story = StoryFactory(
        slug=slug,
        title=f"Consent case {slug}",
        quote=f"The words of {slug}.",
        site=site,
        reach=Story.Reach.NETWORK,
        consent_given_on=datetime.date(2024, 1, 1),
        **consent,
    )
    assert story.live and story.live_revision_id
    return story


@pytest.fixture
def sites(db) -> dict:
    coventry = SiteFactory(site_name="Connecting for Good", hostname="coventry.example.test")
    national = SiteFactory(site_name="Connection Coalition", hostname="national.example.test")
    # The only active users: Coventry's story editor (a permission on its site) and a
    # network-wide one (a permission on every site's stories).
    editors = [
        story_editor(coventry, email=COVENTRY_EDITOR),
        story_editor(email=NATIONAL_EDITOR),
    ]
    get_user_model().objects.exclude(pk__in=[user.pk for user in editors]).update(is_active=False)
    return {"coventry": coventry, "national": national}


@pytest.fixture
def cases(sites) -> dict[str, Story]:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    coventry, national = sites["coventry"], sites["national"]
    return {
        "expired-yesterday": published_story(
            coventry, "expired-yesterday", consent_expires_on=today - day
        ),
        "expires-today": published_story(national, "expires-today", consent_expires_on=today),
        "expires-tomorrow": published_story(
            coventry, "expires-tomorrow", consent_expires_on=today + day
        ),
        "withdrawn": published_story(
            coventry, "withdrawn", consent_withdrawn_at=timezone.now() - datetime.timedelta(hours=1)
        ),
        "valid": published_story(national, "valid", consent_expires_on=today + 365 * day),
    }


def unpublish_entries(story: Story) -> int:
    return ModelLogEntry.objects.for_instance(story).filter(action="wagtail.unpublish").count()


@pytest.mark.django_db
def test_withdraws_exactly_the_lapsed_stories(
    cases, django_capture_on_commit_callbacks, mailoutbox
):
    bystander = published_story(SiteFactory(), "bystander")  # a third site's, consented
    others = set(
        Story.objects.filter(live=True)
        .exclude(pk__in=[story.pk for story in cases.values()])
        .values_list("pk", flat=True)
    )
    assert bystander.pk in others
    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw_lapsed_stories() == len(LAPSED)

    for name, story in cases.items():
        story.refresh_from_db()
        lapsed = name in LAPSED
        assert story.live is not lapsed, name
        assert unpublish_entries(story) == (1 if lapsed else 0), name
        if lapsed:
            assert story.live_revision_id is None, name
    assert set(Story.objects.filter(pk__in=others, live=True).values_list("pk", flat=True)) == (
        others
    )


@pytest.mark.django_db
def test_editors_of_each_story_are_told_one_message_each(
    cases, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_lapsed_stories()

    coventry_team = {COVENTRY_EDITOR}
    national_team = {NATIONAL_EDITOR}
    expected = {
        # story: (who hears, why)
        "expired-yesterday": (coventry_team, "expired"),
        "expires-today": (national_team, "expired"),
        "withdrawn": (coventry_team, "withdrawn"),
    }
    for message in mailoutbox:
        # One recipient per message: editors never see each other's addresses.
        assert len(message.to) == 1 and not message.cc and not message.bcc, message.to
    assert len(mailoutbox) == sum(len(team) for team, _ in expected.values())

    for name, (team, reason) in expected.items():
        story = cases[name]
        messages = [m for m in mailoutbox if _about(m, story)]
        assert {m.to[0] for m in messages} == team, name
        assert len(messages) == len(team), name
        for message in messages:
            assert f"consent {reason}" in message.subject
            assert story.title not in message.subject
            assert f'"{story.title}"' in message.body
            assert ("has been withdrawn" if reason == "withdrawn" else "has expired") in (
                message.body
            )
            assert ("Consent withdrawn on:" in message.body) is (reason == "withdrawn")
    for name in ("expires-tomorrow", "valid"):
        assert not [m for m in mailoutbox if _about(m, cases[name])], name


def _about(message, story: Story) -> bool:
    return f"/admin/snippets/stories/story/edit/{story.pk}/" in message.body


@pytest.mark.django_db
def test_the_subject_carries_no_story_text(cases, django_capture_on_commit_callbacks, mailoutbox):
    """A resident's story title holds their name: it stays out of mail headers (the body names
    the story and links to it)."""
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_lapsed_stories()
    assert mailoutbox
    for name in LAPSED:
        story = cases[name]
        for message in [m for m in mailoutbox if _about(m, story)]:
            assert story.title not in message.subject, (name, message.subject)
            assert story.title in message.body


@pytest.mark.django_db
def test_second_run_changes_nothing_and_sends_nothing(
    cases, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw_lapsed_stories() == len(LAPSED)
    sent = len(mailoutbox)
    assert sent

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert withdraw_lapsed_stories() == 0
    assert callbacks == []
    assert len(mailoutbox) == sent
    for name in LAPSED:
        assert unpublish_entries(cases[name]) == 1, name


@pytest.mark.django_db
def test_mail_waits_for_the_commit(cases, django_capture_on_commit_callbacks, mailoutbox):
    """Editors are told only about an unpublish that was committed."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        withdraw_lapsed_stories()
    assert mailoutbox == []
    assert len(callbacks) >= len(LAPSED)
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == len(LAPSED)  # each lapsed story: its site's one story editor


@pytest.mark.django_db
def test_an_unpublished_lapsed_story_is_left_alone(
    sites, django_capture_on_commit_callbacks, mailoutbox
):
    story = published_story(sites["coventry"], "already-down", consent_withdrawn_at=timezone.now())
    story.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw_lapsed_stories() == 0
    assert mailoutbox == []
    assert unpublish_entries(story) == 1  # the editor's own, not the task's


@pytest.mark.django_db
def test_notifying_about_a_deleted_story_sends_nothing(mailoutbox):
    assert notify_consent_lapsed(10**9) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_readers_and_the_task_agree_on_what_has_lapsed(cases):
    """Every story is either consented (shown) or lapsed (withdrawn by the task), never both or
    neither: the public queries and the task draw the line on the same day."""
    consented = set(Story.objects.consented().values_list("slug", flat=True))
    lapsed = set(Story.objects.lapsed().values_list("slug", flat=True))
    everything = set(Story.objects.values_list("slug", flat=True))
    assert consented.isdisjoint(lapsed)
    assert consented | lapsed == everything
    assert lapsed == LAPSED
    for story in cases.values():
        assert story.consent_is_valid is (story.slug not in LAPSED), story.slug


def test_the_check_is_on_the_beat_schedule():
    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert TASK_NAME in tasks
    assert withdraw_lapsed_stories.name == TASK_NAME
    schedule = tasks[TASK_NAME]["schedule"]
    if isinstance(schedule, datetime.timedelta):
        schedule = schedule.total_seconds()
    assert isinstance(schedule, int | float), f"a schedule this test cannot read: {schedule!r}"
    assert 0 < schedule <= 24 * 3600  # at least daily: consent is counted in days
