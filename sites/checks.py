"""System check: our public templates read the request's `brand`, which the sites context
processor provides; without it every page of ours would fail to render. Named here instead."""

from django.conf import settings
from django.core import checks

from .conf import CONTEXT_PROCESSOR


def check_context_processor(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    for engine in settings.TEMPLATES:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates" and (
            CONTEXT_PROCESSOR in engine.get("OPTIONS", {}).get("context_processors", [])
        ):
            return []
    return [
        checks.Error(
            f"{CONTEXT_PROCESSOR} is not among the context processors of a Django template engine.",
            hint=f'Add "{CONTEXT_PROCESSOR}" to TEMPLATES[0]["OPTIONS"]["context_processors"].',
            id="network_sites.E001",
        )
    ]
