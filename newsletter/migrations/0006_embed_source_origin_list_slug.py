"""Widgets on members' websites: each list gets a slug (the widget's data-list), and consent
records keep the widget's source and the embedding page's origin."""

from django.db import migrations, models
from django.utils.text import slugify


def give_lists_slugs(apps, schema_editor):
    NewsletterList = apps.get_model("newsletter", "NewsletterList")
    taken = set()
    for newsletter_list in NewsletterList.objects.select_related("site").order_by("pk"):
        base = slugify(newsletter_list.site.hostname.split(".")[0])[:40] or "list"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        NewsletterList.objects.filter(pk=newsletter_list.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0005_subscription_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentrecord",
            name="origin",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="consentrecord",
            name="source",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="newsletterlist",
            name="slug",
            field=models.SlugField(db_index=False, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(give_lists_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="newsletterlist",
            name="slug",
            field=models.SlugField(editable=False, unique=True),
        ),
    ]
