import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from cms.security.charsets import CharsetGuard  # noqa: E402 - needs the settings module named

application = CharsetGuard(get_wsgi_application())
