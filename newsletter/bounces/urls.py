"""/anymail/<esp>/tracking/: the email services' tracking webhooks (newsletter.bounces.webhooks),
in anymail's URL namespace and names, e.g. reverse("anymail:postmark_tracking_webhook")."""

from .webhooks import urlpatterns as webhook_urls

app_name = "anymail"
urlpatterns = webhook_urls()
