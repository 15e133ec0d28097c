"""Our app labels clash with no app label of Django's, Wagtail's (installed or not) or of the
apps `wagtail start` makes: a project installing ours could not start with two apps of one
label. (A label is fixed once migrations exist: changing one breaks every database made.)"""

import importlib
import inspect
from pathlib import Path

import django.contrib
import wagtail
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured

from cms.core.packages import OUR_PACKAGES

WAGTAIL_START_APPS = {"home", "search"}


def labels_in(package) -> set[str]:
    """The label of every AppConfig in an apps.py under `package` (its test apps aside)."""
    root = Path(package.__path__[0])
    labels = set()
    for path in root.rglob("apps.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if {"test", "tests"} & set(parts):
            continue
        try:
            loaded = importlib.import_module(".".join((package.__name__, *parts)))
        except (ImportError, ImproperlyConfigured):  # e.g. django.contrib.gis without GDAL
            continue
        for _name, config in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(config, AppConfig) and config is not AppConfig and config.name:
                labels.add(getattr(config, "label", None) or config.name.rpartition(".")[2])
    return labels


def test_our_labels_are_our_own():
    ours = {
        config.label
        for config in apps.get_app_configs()
        if config.name.partition(".")[0] in OUR_PACKAGES
    }
    assert {"stories", "newsletter", "network_sites", "core"} <= ours
    theirs = labels_in(django.contrib) | labels_in(wagtail) | WAGTAIL_START_APPS
    assert {"sites", "wagtailcore", "wagtailsettings"} <= theirs  # the walk found them
    assert ours & theirs == set()
