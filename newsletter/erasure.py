"""Forgetting a person: a site removing them from its own list, and the national data team
erasing them from every list (a GDPR erasure request, logged in NetworkErasure). Either way
the address is kept only as a hash among the suppressions, so it is never added again."""

from django.db import transaction

from .models import (
    ConsentRecord,
    Delivery,
    DeliveryEvent,
    NetworkErasure,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
    normalise_email,
)

Action = ConsentRecord.Action


def _forget(subscriptions: list[Subscription]) -> None:
    """Remove these subscriptions and what they hold: consent records stay as anonymous
    history (list, action, time; their link to the subscription goes), an "erased" record is
    added for each list, deliveries lose the address and queued ones are skipped."""
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(newsletter_list_id=subscription.newsletter_list_id, action=Action.ERASED)
            for subscription in subscriptions
        ]
    )
    ids = [subscription.pk for subscription in subscriptions]
    deliveries = Delivery.objects.filter(subscription_id__in=ids)
    deliveries.filter(status=Delivery.Status.QUEUED).update(status=Delivery.Status.SKIPPED)
    deliveries.update(email="", last_error="")
    # A remote server's words about a bounce often quote the address.
    DeliveryEvent.objects.filter(delivery__in=deliveries).update(diagnostic="")
    Subscription.objects.filter(pk__in=ids).delete()


def remove_from_list(subscription: Subscription) -> None:
    """A site's erasure: the person is forgotten by this list (its subscription, the name given
    here, the address on its deliveries) and the address is suppressed for this list only, so
    its signup form cannot add it again. Their other lists are not this site's to touch; the
    person's own row goes only if this was their last subscription."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("subscriber")
            .filter(pk=subscription.pk)
            .first()
        )
        if subscription is None:  # removed meanwhile (a double click)
            return
        subscriber = subscription.subscriber
        Suppression.suppress(
            subscriber.email,
            Suppression.Reason.ERASED,
            newsletter_list=subscription.newsletter_list,
        )
        _forget([subscription])
        Subscriber.objects.filter(pk=subscriber.pk, subscriptions__isnull=True).delete()


def erase_everywhere(address: str, *, erased_by) -> NetworkErasure | None:
    """The network's erasure (a GDPR request, done by the national data team): the person is
    forgotten by every list, the address is suppressed network-wide (as a hash), and the act is
    logged with who did it and when. An address on no list is still suppressed and logged (the
    request is that it never be mailed), unless it was already erased: then nothing changes and
    None is returned, so a double click logs once."""
    email = normalise_email(address)
    with transaction.atomic():
        # Locked: a second request for the same person waits here, then finds them gone.
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        hashed = email_hash(email)
        if (
            subscriber is None
            and NetworkErasure.objects.filter(email_hash=hashed).exists()
            and Suppression.is_suppressed(email)
        ):
            return None
        # Erased is the reason from now on, even for an address that bounced before.
        Suppression.objects.update_or_create(
            email_hash=hashed, newsletter_list=None, defaults={"reason": Suppression.Reason.ERASED}
        )
        subscriptions = list(subscriber.subscriptions.all()) if subscriber else []
        _forget(subscriptions)
        if subscriber is not None:
            Subscriber.objects.filter(pk=subscriber.pk).delete()
        return NetworkErasure.objects.create(
            email_hash=hashed,
            erased_by=erased_by,
            erased_by_username=erased_by.get_username(),
            subscriptions_removed=len(subscriptions),
        )
