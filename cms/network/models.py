"""One figure of one site on one day: what the network's charts are drawn from."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SiteSnapshot(models.Model):
    """The value of a measure (measures.py, by slug) for a site at the end of a day (today's
    row: as of the last snapshot run). Written by upsert, so running the task twice a day, or
    the back-fill over days already written, leaves one row per (site, date, measure)."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="network_snapshots"
    )
    date = models.DateField()
    measure = models.SlugField(max_length=40)
    value = models.IntegerField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("site snapshot")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "date", "measure"], name="one_snapshot_per_site_day_measure"
            )
        ]
        indexes = [models.Index(fields=["measure", "date"])]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date} {self.measure}={self.value}"
