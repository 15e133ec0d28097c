"""Public newsletter URLs (outside the page tree: they work on every site's host).

- subscribe/                    POST from the signup block or /newsletter/
- confirm/<token>/              GET: a page with a "Confirm" button; POST confirms
- preferences/<token>/          the subscriber's subscriptions across the network
- unsubscribe/<token>/          GET: a page with a button; POST (RFC 8058 one-click, no CSRF)
"""

from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
