"""manage.py create_chapter: a chapter site, provisioned by chapters.provisioning."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chapters.provisioning import ProvisioningError, provision_chapter


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

    def handle(self, *args, slug, name, hostname, city, port, languages, **options):
        if port is None:
            port = 443 if getattr(settings, "SECURE_SSL_REDIRECT", False) else 80
        codes = [code for code in languages.split(",") if code.strip()]
        try:
            result = provision_chapter(slug, name, hostname, city=city, port=port, languages=codes)
        except (ProvisioningError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        chapter = result.chapter
        verb = "Created" if result.created else "Already present (completed anything missing):"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} chapter {chapter.slug!r} at {chapter.site.root_url}/")
        )
        self.stdout.write(
            f"Add its editors to the group {chapter.editors_group.name!r} "
            f"and moderators to {chapter.moderators_group.name!r}."
        )
