"""The "Sending" panel at the top of an issue's edit page: the issue's send status and a
visible button to its send page (test, send or schedule, progress), where an editor writes it
rather than behind the header's "⋯" menu. A Wagtail Panel, so it sits in the edit form the
way Wagtail means model-specific editing UI to; its content comes from newsletter_admin_tags
(which reads the send and the user's permission), so this module needs no model."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class NewsletterSendPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter/admin/includes/send_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["issue"] = self.instance
            context["request"] = self.request
            return context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Sending"))
        super().__init__(*args, **kwargs)
