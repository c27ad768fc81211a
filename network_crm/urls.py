from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import unless_sso_only
from carddav.dav import views as carddav_views
from contacts import urls as contact_urls
from contacts.merging import urls as merging_urls
from interactions.backup import urls as backup_urls
from interactions.contact_pages import urls as contact_page_urls
from webapp import views as webapp_views

from . import health, signup, site_views, undo

# One "contacts" namespace: contacts' own pages, and the contact and event pages that show
# interactions (which live in interactions, since contacts never imports interactions).
contact_pages = (contact_urls.urlpatterns + contact_page_urls.urlpatterns, contact_urls.app_name)
# One "data" namespace: merging (contacts) and the backup downloads (interactions, which needs
# both apps).
data_pages = (merging_urls.urlpatterns + backup_urls.urlpatterns, merging_urls.app_name)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("sw.js", webapp_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", webapp_views.manifest, name="manifest"),
    path("app/", include("webapp.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("interactions.dashboard.urls")),
    path("undo/", undo.undo_view, name="undo"),
    path("interactions/", include("interactions.urls")),
    path("contacts/", include(contact_pages)),
    path("data/", include(data_pages)),
    path("settings/", include("interactions.settings_page.urls")),
    path("settings/reminders/", include("notifications.urls")),
    path("", include("interactions.calendar_feed.urls")),
    path("digest/", include("interactions.digests.urls")),
    path("capture/", include("capture.urls")),
    path("", include("interactions.insights.urls")),
    path("api/v1/", include("api.rest.urls")),
    path("settings/api/", include("api.urls")),
    path("settings/phones/", include("carddav.urls")),
    path(".well-known/carddav", carddav_views.well_known, name="carddav_well_known"),
    path(".well-known/carddav/", carddav_views.well_known),
    path("dav/", include("carddav.dav.urls")),
]

if settings.SIGNUP_ENABLED:
    urlpatterns.insert(1, path("accounts/signup/", unless_sso_only(signup.signup), name="signup"))
