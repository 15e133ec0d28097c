"""The form pages app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormPagesConfig(AppConfig):
    """Forms editors build themselves (Volunteer, Have a chat) with Wagtail's form builder."""

    name = "cms.formpages"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "formpages"
    verbose_name = _("Forms")

    def ready(self):
        # Wagtail's submissions view imports the admin's page listing, which needs the models
        # loaded: the safe export is attached once they are.
        from .models import FormPage
        from .views import SafeSubmissionsListView

        FormPage.submissions_list_view_class = SafeSubmissionsListView
