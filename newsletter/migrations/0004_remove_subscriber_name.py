from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0003_subscriber_name_to_subscription")]

    operations = [migrations.RemoveField(model_name="subscriber", name="name")]
