"""Factories (factory_boy, wagtail-factories) for tests that need a site, a page, a story, a
member or a subscriber or two rather than the whole demo network.

Seeded: Faker and factory_boy draw from one fixed seed, so a test sees the same values on every
run. Names a test does not choose come from sequences with a prefix the demo never uses
(``fy-``, "Factory ..."), so they stay unique in a database that also holds the demo. Pages are
made live with a published revision, as an editor's "Publish" leaves them.
"""

import datetime

import factory
import factory.random
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Collection, GroupSitePermission, Locale, Page

from chapters.models import Chapter
from cms.coalition.models import Member, OrganisationKind, Region
from cms.core.models import ChapterHomePage, NationalHomePage, StandardPage
from cms.stories.models import Story, Theme
from newsletter.models import NewsletterList, SmtpServer, Subscriber, Subscription

factory.random.reseed_random("connection-network-cms")


def tree_root() -> Page:
    return Page.get_first_root_node()


def default_locale() -> Locale:
    return Locale.get_default()


def _publish(page, create, extracted, **kwargs):
    """A post-generation hook: publish a revision of the page (unless `publish=False`)."""
    if create and extracted is not False:
        page.save_revision().publish()
        page.refresh_from_db()


# --- people ------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user (password "demo"); `groups=[...]` puts them in groups."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"fy-user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("demo")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Factory group {n}")


def permission(codename: str, app_label: str) -> Permission:
    return Permission.objects.get(codename=codename, content_type__app_label=app_label)


def story_editor(site=None, **user) -> object:
    """An editor of stories: of `site`'s only (a site permission, as a chapter's editors have),
    or of every site's when `site` is None (a group permission, as national editors have)."""
    change = permission("change_story", "stories")
    group = GroupFactory()
    if site is None:
        group.permissions.add(change)
    else:
        GroupSitePermission.objects.create(group=group, site=site, permission=change)
    return UserFactory(groups=[group], **user)


# --- sites, pages, chapters ------------------------------------------------------------------


class HomePageFactory(wagtail_factories.PageFactory):
    """A chapter's home page, under the tree's root."""

    class Meta:
        model = ChapterHomePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Factory home {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    parent = factory.LazyFunction(tree_root)
    locale = factory.LazyFunction(default_locale)
    publish = factory.PostGeneration(_publish)


class NationalHomePageFactory(HomePageFactory):
    class Meta:
        model = NationalHomePage
        skip_postgeneration_save = True


class StandardPageFactory(wagtail_factories.PageFactory):
    """A standard page; under a new home page unless given `parent=`."""

    class Meta:
        model = StandardPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Factory page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    intro = factory.Faker("sentence")
    parent = factory.SubFactory(HomePageFactory)
    locale = factory.LazyFunction(default_locale)
    publish = factory.PostGeneration(_publish)


class SiteFactory(wagtail_factories.SiteFactory):
    """A site on a host of its own (port 80), its root a new home page."""

    hostname = factory.Sequence(lambda n: f"fy-site-{n}.test")
    port = 80
    site_name = factory.Sequence(lambda n: f"Factory site {n}")
    root_page = factory.SubFactory(HomePageFactory)
    is_default_site = False


class CollectionFactory(wagtail_factories.CollectionFactory):
    name = factory.Sequence(lambda n: f"Factory collection {n}")
    parent = factory.LazyFunction(Collection.get_first_root_node)


class ChapterFactory(DjangoModelFactory):
    """A chapter's records (site, groups, collection) without what `provision_chapter` grants
    and builds: for tests about the chapter row and its site, not about provisioning."""

    class Meta:
        model = Chapter

    slug = factory.Sequence(lambda n: f"fy-chapter-{n}")
    name = factory.Sequence(lambda n: f"Factory chapter {n}")
    city = factory.Faker("city")
    site = factory.SubFactory(SiteFactory, site_name=factory.SelfAttribute("..name"))
    editors_group = factory.SubFactory(GroupFactory)
    moderators_group = factory.SubFactory(GroupFactory)
    collection = factory.SubFactory(CollectionFactory)


# --- stories, members ----------------------------------------------------------------------------


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Factory theme {n}")
    slug = factory.LazyAttribute(lambda theme: slugify(theme.name))
    locale = factory.LazyFunction(default_locale)


class StoryFactory(DjangoModelFactory):
    """A story of a new site (or `site=`), published unless `publish=False`."""

    class Meta:
        model = Story
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Factory story {n}")
    slug = factory.LazyAttribute(lambda story: slugify(story.title))
    site = factory.SubFactory(SiteFactory)
    quote = factory.Faker("sentence", nb_words=12)
    person_name = factory.Faker("name")
    town = factory.Faker("city")
    consent_given_on = datetime.date(2024, 1, 1)
    locale = factory.LazyFunction(default_locale)
    publish = factory.PostGeneration(_publish)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Factory member {n}")
    slug = factory.LazyAttribute(lambda member: slugify(member.name))
    kind = OrganisationKind.CHARITY
    region = Region.NATIONAL
    description = factory.Faker("sentence")
    locale = factory.LazyFunction(default_locale)


# --- newsletters ---------------------------------------------------------------------------------


class NewsletterListFactory(DjangoModelFactory):
    class Meta:
        model = NewsletterList
        django_get_or_create = ("site",)

    site = factory.SubFactory(SiteFactory)
    name = factory.LazyAttribute(lambda newsletter_list: f"{newsletter_list.site.site_name} news")


class SmtpServerFactory(DjangoModelFactory):
    """A provider account on loopback; `password` goes through the model's encryption."""

    class Meta:
        model = SmtpServer

    name = factory.Sequence(lambda number: f"Provider account {number}")
    host = "127.0.0.1"
    port = 2525
    security = SmtpServer.Security.NONE
    username = factory.Sequence(lambda number: f"chapter{number}")
    password = "correct horse battery staple"


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"fy-reader-{n}@example.test")


class SubscriptionFactory(DjangoModelFactory):
    """A confirmed subscription of a new subscriber to a new site's list."""

    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    newsletter_list = factory.SubFactory(NewsletterListFactory)
    name = factory.Faker("first_name")
    status = Subscription.Status.CONFIRMED
