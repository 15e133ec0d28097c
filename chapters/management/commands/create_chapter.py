"""manage.py create_chapter: a chapter site, provisioned by chapters.provisioning, its details
checked by chapters.forms.StartChapterForm (the admin's "Start a chapter" form: the same
checks, the same messages)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chapters.forms import StartChapterForm
from chapters.validation import COLOUR_FIELDS

COLOUR_HELP = "as #rrggbb; default: the site settings' default. Checked for WCAG AA contrast"


class Command(BaseCommand):
    help = (
        "Create a chapter site: its Site, home page with About/Stories/Get involved/News, "
        "editors' and moderators' groups scoped to that tree, and its own collection. "
        "Running it again completes anything missing and changes nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name, e.g. coventry")
        parser.add_argument("--name", required=True, help="e.g. 'Connecting for Good Coventry'")
        parser.add_argument("--hostname", required=True, help="e.g. coventry.example.org")
        parser.add_argument("--city", default="", help="e.g. Coventry")
        parser.add_argument(
            "--region", default="", help="e.g. West Midlands (for 'Find your local group')"
        )
        parser.add_argument("--towns", default="", help="Towns the chapter covers, comma-separated")
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help=(
                "Site port: 443 for a site served over https, which makes the links in its "
                "emails https (default: 443 when SECURE_SSL_REDIRECT is on, as in production "
                "settings; else 80)"
            ),
        )
        parser.add_argument(
            "--languages",
            default="en",
            help=(
                "Languages the site offers, comma-separated language codes (default: en). "
                "e.g. en,cy: each gets the home page's translation, a draft for editors to "
                "translate with wagtail-localize."
            ),
        )
        for name in COLOUR_FIELDS:
            option = "--" + name.replace("_", "-")
            parser.add_argument(option, default="", help=f"A new site's {name}, {COLOUR_HELP}")
        parser.add_argument(
            "--editor-email",
            default="",
            help="The first editor: added to the editors' group and emailed an invitation "
            "with a link to set their password (a new account) or sign in",
        )
        parser.add_argument("--editor-name", default="", help="The first editor's name")

    def handle(self, *args, slug, port, languages, **options):
        if port is None:
            port = 443 if getattr(settings, "SECURE_SSL_REDIRECT", False) else 80
        data = {
            "slug": slug,
            "languages": [code for code in languages.split(",") if code.strip()],
            **{key: options[key] for key in StartChapterForm.base_fields if key in options},
        }
        form = StartChapterForm(data, new_only=False, editor_required=False)
        if not form.is_valid():
            raise CommandError(" ".join(_messages(form)))
        try:
            result = form.provision(port=port)
        except ValidationError as error:  # what changed since the form's checks (a race)
            raise CommandError(" ".join(error.messages)) from error
        chapter = result.chapter
        verb = "Created" if result.created else "Already present (completed anything missing):"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} chapter {chapter.slug!r} at {chapter.site.root_url}/")
        )
        self.stdout.write(
            f"Add its editors to the group {chapter.editors_group.name!r} "
            f"and moderators to {chapter.moderators_group.name!r}."
        )


def _messages(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]
