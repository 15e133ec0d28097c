"""What every public template of ours finds in its context, from the app that provides it (the
sites app registers `brand`, the request's site and its look).

Our project also gives it through its context processors (settings.TEMPLATES). A project
without them (README "Add to an existing Wagtail project") gets it through our pages'
get_context and the views that render our templates, which all add public_context(request).
"""

from collections.abc import Callable

from django.http import HttpRequest

_providers: list[Callable[[HttpRequest], dict]] = []


def register_public_context(provider: Callable[[HttpRequest], dict]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def public_context(request: HttpRequest) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(request))
    return context
