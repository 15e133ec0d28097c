from django.db import migrations


def add_locales(apps, schema_editor):
    """Every install offers English and Welsh content locales from the start."""
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("en", "cy"):
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("network_sites", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(add_locales, migrations.RunPython.noop)]
