"""python manage.py dkim_dns_record: the DNS TXT record to publish for each DKIM key."""

from django.core.management.base import BaseCommand

from newsletter.signing import keys


class Command(BaseCommand):
    help = (
        'Print the DNS TXT record of each DKIM key in DKIM_KEYS (README "Signed mail"): '
        "publish it at <selector>._domainkey.<domain> before mail is signed with the key."
    )

    def handle(self, *args, **options):
        configured = keys()
        if not configured:
            self.stderr.write(
                "No DKIM key configured (DKIM_SELECTOR, DKIM_KEYS_DIR): mail is unsigned."
            )
            return
        for domain in sorted(configured):
            self.stdout.write(configured[domain].dns_record())
