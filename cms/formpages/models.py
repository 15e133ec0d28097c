"""Form pages built in the admin with Wagtail's form builder, made safe for the public web.

On top of Wagtail's form pages: the honeypot and signed timestamp of every public form, a rate
limit per client, text cleaned of control characters (PostgreSQL cannot store a NUL in JSON),
and the mail (the team's notification, the resident's acknowledgement) sent by workers after the
submission is stored, never inside the request.
Submissions live with the page, so a chapter's editors see their own site's only (Wagtail lists
submissions of the form pages a user may edit).
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder, WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from cms.core.antispam import AntiSpamFormMixin, rate_limited, too_many_requests
from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.choosing import ChosenObjectsFormMixin
from cms.core.queue import enqueue_on_commit
from cms.core.text import clean_text

from .tasks import send_submission_acknowledgement, send_submission_notification

SUBMISSION_LIMIT = (5, 600)  # per client per ten minutes, per form


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


MAX_MULTILINE_CHARS = 5000


class SpamProtectedFormBuilder(FormBuilder):
    def create_multiline_field(self, field, options):
        # Wagtail caps single-line answers at 255 characters but not multi-line ones.
        options["max_length"] = MAX_MULTILINE_CHARS
        return super().create_multiline_field(field, options)

    def get_form_class(self):
        return type(
            "SpamProtectedForm",
            (AntiSpamFormMixin, super().get_form_class()),
            {"antispam_salt": "formpages.form"},
        )


class FormPageForm(ChosenObjectsFormMixin, WagtailAdminFormPageForm):
    """Wagtail's form-page form (it checks the form fields' names), holding rich-text links to
    the objects the editor may choose, like every other page's."""


class FormPage(AbstractEmailForm):
    base_form_class = FormPageForm
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    form_builder = SpamProtectedFormBuilder
    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldPanel(
                    "to_address",
                    help_text=_(
                        "Who is told of each submission (comma-separated). Empty: the "
                        "site's contact email from its settings."
                    ),
                ),
                # No "from" address: mail goes in the site's name (cms.formpages.tasks).
                FieldPanel("subject"),
            ],
            heading=_("Email"),
        ),
    ]
    parent_page_types = ["core.NationalHomePage", "core.ChapterHomePage", "core.StandardPage"]
    subpage_types: list[str] = []
    template = "formpages/form_page.html"
    landing_page_template = "formpages/form_page_landing.html"

    class Meta:
        verbose_name = _("form page")

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and rate_limited(
            request, f"formpages.{self.pk}", *SUBMISSION_LIMIT
        ):
            return too_many_requests(request)
        return super().serve(request, *args, **kwargs)

    def process_form_submission(self, form):
        protected = {form.honeypot_field_name, form.timestamp_field_name}
        # Read off the form just built, rather than querying the page's fields again.
        multiline = {
            name for name, field in form.fields.items() if isinstance(field.widget, forms.Textarea)
        }
        data = {
            name: clean_text(value, multiline=name in multiline)
            if isinstance(value, str)
            else value
            for name, value in form.cleaned_data.items()
            if name not in protected
        }
        submission = self.get_submission_class().objects.create(form_data=data, page=self)
        enqueue_on_commit(send_submission_notification, submission.pk)
        enqueue_on_commit(send_submission_acknowledgement, submission.pk)
        return submission
