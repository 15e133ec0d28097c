from django.apps import AppConfig


class FormPagesConfig(AppConfig):
    """Forms editors build themselves (Volunteer, Have a chat) with Wagtail's form builder."""

    name = "cms.formpages"
    label = "formpages"
    verbose_name = "Forms"
