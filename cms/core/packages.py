"""Which models are this distribution's own, and which are the project's it is installed in
(README "Add to an existing Wagtail project")."""

# The top-level packages this distribution installs (pyproject.toml's packages.find).
OUR_PACKAGES = frozenset({"cms", "sites", "chapters", "newsletter"})


def is_ours(model) -> bool:
    return model.__module__.partition(".")[0] in OUR_PACKAGES
