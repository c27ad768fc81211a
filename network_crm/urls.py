from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from carddav.dav import views as carddav_views
from interactions import digest_views

from . import health, signup

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True, extra_context={"signup_enabled": settings.SIGNUP_ENABLED}
    ), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("interactions.dashboard_urls")),
    path("interactions/", include("interactions.urls")),
    path("contacts/", include("contacts.urls")),
    path("data/", include("contacts.data_urls")),
    path("settings/", digest_views.settings_view, name="settings"),
    path("settings/calendar/rotate/", digest_views.rotate_calendar_token, name="settings_rotate_calendar"),
    path("calendar/<str:token>.ics", digest_views.calendar_feed, name="calendar_feed"),
    path("digest/", include("interactions.digest_urls")),
    path("", include("contacts.insight_urls")),
    path("api/v1/", include("api.rest.urls")),
    path("settings/api/", include("api.urls")),
    path("settings/phones/", include("carddav.urls")),
    path(".well-known/carddav", carddav_views.well_known, name="carddav_well_known"),
    path(".well-known/carddav/", carddav_views.well_known),
    path("dav/", include("carddav.dav.urls")),
]

if settings.SIGNUP_ENABLED:
    urlpatterns.insert(1, path("accounts/signup/", signup.signup, name="signup"))
