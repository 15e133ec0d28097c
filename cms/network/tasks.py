"""The network's one Celery task: today's snapshot (beat, every NETWORK_SNAPSHOT_SECONDS)."""

from celery import shared_task

from .snapshots import take_today


@shared_task(name="cms.network.tasks.snapshot_network")
def snapshot_network() -> int:
    """Write (overwrite) today's figures of every site; safe to run any number of times."""
    return take_today()
