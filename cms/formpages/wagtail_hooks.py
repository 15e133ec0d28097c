"""Where form pages plug into Wagtail: a new chapter's starting forms (chapters.provisioning)."""

from wagtail import hooks

from .provisioning import add_chapter_forms

# Under the chapter's "Get involved" (made by the step of order 300).
hooks.register("provision_chapter_site", add_chapter_forms, order=500)
