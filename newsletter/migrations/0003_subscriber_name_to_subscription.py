from django.db import migrations


def name_to_first_subscription(apps, schema_editor):
    """A person's name was typed on the form of the site they first subscribed to (subscribe()
    set it only when the Subscriber was created): it goes to that subscription alone, so no
    other site is shown it. A person whose first subscription is gone keeps no name."""
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Subscription = apps.get_model("newsletter", "Subscription")
    for subscriber_id, name in (
        Subscriber.objects.exclude(name="").values_list("pk", "name").iterator()
    ):
        first = Subscription.objects.filter(subscriber_id=subscriber_id).order_by("pk").first()
        if first is not None:
            Subscription.objects.filter(pk=first.pk).update(name=name)


def name_back_to_subscriber(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Subscription = apps.get_model("newsletter", "Subscription")
    for subscription in Subscription.objects.exclude(name="").order_by("-pk").iterator():
        Subscriber.objects.filter(pk=subscription.subscriber_id).update(name=subscription.name)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0002_subscription_name_list_suppression_erasure_log")]

    operations = [migrations.RunPython(name_to_first_subscription, name_back_to_subscriber)]
