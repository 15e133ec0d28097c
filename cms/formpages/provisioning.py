"""The forms every chapter starts with, under its "Get involved" page; editors change the
fields. Registered as a provisioning step in cms/formpages/wagtail_hooks.py (see
chapters.provisioning)."""

from functools import partial

from cms.core.provisioning import SiteSetup, child_page

from .models import FormField, FormPage

# The section the forms go under (made by an earlier step).
FORMS_SECTION = "get-involved"
CHAPTER_FORMS = [
    {
        "slug": "volunteer",
        "title": "Volunteer",
        "intro": "<p>Volunteer your time, passions and skills.</p>",
        "fields": [
            ("Your name", "singleline", True, ""),
            ("Email address", "email", True, ""),
            ("Phone number", "singleline", False, ""),
            (
                "How would you like to help?",
                "checkboxes",
                False,
                "Befriending\nDeliveries and errands\nEvents\nDigital skills\nSomething else",
            ),
            ("Tell us a little about yourself", "multiline", False, ""),
        ],
    },
    {
        "slug": "have-a-chat",
        "title": "Have a chat",
        "intro": "<p>Have a chat with one of our team.</p>",
        "fields": [
            ("Your name", "singleline", True, ""),
            ("Email address", "email", True, ""),
            ("Phone number", "singleline", False, ""),
            ("Best time to call", "dropdown", False, "Morning\nAfternoon\nEvening"),
            ("What would you like to talk about?", "multiline", True, ""),
        ],
    },
]


def _form_page(spec: dict) -> FormPage:
    page = FormPage(title=spec["title"], intro=spec["intro"], subject=f"{spec['title']} form")
    page.form_fields = [
        FormField(
            label=label, field_type=field_type, required=required, choices=choices, sort_order=order
        )
        for order, (label, field_type, required, choices) in enumerate(spec["fields"])
    ]
    return page


def add_chapter_forms(setup: SiteSetup) -> None:
    parent = setup.sections[FORMS_SECTION]
    for spec in CHAPTER_FORMS:
        child_page(parent, spec["slug"], partial(_form_page, spec))
