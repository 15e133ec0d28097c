"""/embed/… (CORS, see CORS_URLS_REGEX): what /embed.js asks for. /embed.js itself is routed
from cms/urls.py at the site root."""

from django.urls import path

from . import signup, views

app_name = "embed"

urlpatterns = [
    path("config/", views.config, name="config"),
    path("stories/", views.stories, name="stories"),
    path("signup/", signup.signup, name="signup"),
]
