"""python manage.py list_newsletters: one line per issue, with its send's numbers."""

from django.core.management.base import BaseCommand

from newsletter.models import NewsletterIssuePage, Send
from newsletter.pipeline.counts import Counts, delivery_counts

TITLE_WIDTH = 40


class Command(BaseCommand):
    help = (
        "List every newsletter issue: id, site, title, status, and its deliveries queued "
        "(including those being sent), sent, failed, skipped and in total."
    )

    def handle(self, *args, **options):
        issues = list(NewsletterIssuePage.objects.order_by("pk"))
        sends = {
            send.issue_id: send
            for send in Send.objects.filter(issue__in=issues).select_related(
                "newsletter_list__site"
            )
        }
        counts = delivery_counts(send.pk for send in sends.values())
        header = (
            f"{'ID':>5}  {'SITE':<24} {'TITLE':<{TITLE_WIDTH}} {'STATUS':<10} "
            f"{'QUEUED':>7} {'SENT':>7} {'FAILED':>7} {'SKIPPED':>7} {'TOTAL':>7}"
        )
        self.stdout.write(header)
        for issue in issues:
            send = sends.get(issue.pk)
            if send is not None:
                site = send.newsletter_list.site
                status = send.status
                numbers = counts.get(send.pk, Counts())
            else:
                site = issue.get_site()
                status = "published" if issue.live else "draft"
                numbers = Counts()
            title = issue.title if len(issue.title) <= TITLE_WIDTH else issue.title[:39] + "…"
            self.stdout.write(
                f"{issue.pk:>5}  {site.hostname if site else '-':<24} {title:<{TITLE_WIDTH}} "
                f"{status:<10} {numbers.remaining:>7} {numbers.sent:>7} {numbers.failed:>7} "
                f"{numbers.skipped:>7} {numbers.total:>7}"
            )
        if not issues:
            self.stdout.write("(no newsletter issues yet)")
