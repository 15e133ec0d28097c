"""manage.py load_demo: the demo network (cms.demo.builders) and a year of its history for the
Network dashboard (cms.demo.network_history), refused under production settings."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.demo.builders import build_demo
from cms.demo.network_history import build_network_history


class Command(BaseCommand):
    help = (
        "Load the demo network (national site, Coventry chapter, accounts admin / "
        "national-editor / coventry-editor with DEMO_PASSWORD, default 'demo'). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="Port the sites are served on (default: $PORT or 8000)",
        )

    def handle(self, *args, port, **options):
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "Refusing to load demo content and demo accounts under production settings."
            )
        network = build_demo(port=port)
        # A year of signups and of the Network dashboard's snapshots, for its charts.
        build_network_history([(network.national_site, 90), (network.coventry.site, 60)])
        self.stdout.write(self.style.SUCCESS("Demo network ready:"))
        self.stdout.write(f"  national site: {network.national_site.root_url}/")
        self.stdout.write(f"  Coventry:      {network.coventry.site.root_url}/")
        self.stdout.write("  admin:         /admin/ on either host")
        self.stdout.write("  accounts:      admin, national-editor, coventry-editor, data-team")
