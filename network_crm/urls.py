from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from contacts import urls as contact_urls
from interactions.contact_pages import urls as contact_page_urls

from . import health, signup

# One "contacts" namespace: contacts' own pages, and the contact and event pages that show
# interactions (which live in interactions, since contacts never imports interactions).
contact_pages = (contact_urls.urlpatterns + contact_page_urls.urlpatterns, contact_urls.app_name)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True, extra_context={"signup_enabled": settings.SIGNUP_ENABLED}
    ), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("interactions.dashboard.urls")),
    path("interactions/", include("interactions.urls")),
    path("contacts/", include(contact_pages)),
    path("data/", include("contacts.data_urls")),
    path("settings/", include("interactions.settings_page.urls")),
    path("", include("interactions.calendar_feed.urls")),
    path("digest/", include("interactions.digests.urls")),
    path("", include("interactions.insights.urls")),
]

if settings.SIGNUP_ENABLED:
    urlpatterns.insert(1, path("accounts/signup/", signup.signup, name="signup"))
