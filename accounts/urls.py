"""Everything under /accounts/: sign-in and out (django-allauth), the two-factor and single
sign-on steps, passwords (Django's own views, as before), and Sign-in and security.

URL names are global, not namespaced: allauth reverses its own names ("account_login",
"mfa_index"...). Its views are mounted one by one so that only the ones this app uses exist
(no allauth sign-up, email management or password pages), and its "index" names point at
Sign-in and security.
"""

from allauth.account import views as account
from allauth.mfa.base import views as mfa
from allauth.mfa.recovery_codes import views as recovery_codes
from allauth.mfa.totp import views as totp
from allauth.mfa.webauthn import views as webauthn
from allauth.socialaccount import views as sso
from allauth.socialaccount.providers.openid_connect import views as oidc
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .password_reset import PasswordResetView
from .views import unless_sso_only

sign_out = auth.LogoutView.as_view()
password_reset_views = [
    path("password_reset/", login_not_required(unless_sso_only(PasswordResetView.as_view())), name="password_reset"),
    path("password_reset/done/", login_not_required(unless_sso_only(auth.PasswordResetDoneView.as_view())), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", login_not_required(unless_sso_only(auth.PasswordResetConfirmView.as_view())), name="password_reset_confirm"),
    path("reset/done/", login_not_required(unless_sso_only(auth.PasswordResetCompleteView.as_view())), name="password_reset_complete"),
]

urlpatterns = [
    # Signing in and out. "login" and "logout" are the names the rest of the app uses.
    path("login/", views.sign_in, name="login"),
    path("login/", views.sign_in, name="account_login"),
    path("logout/", sign_out, name="logout"),
    path("logout/", sign_out, name="account_logout"),
    path("inactive/", account.account_inactive, name="account_inactive"),
    path("2fa/authenticate/", mfa.authenticate, name="mfa_authenticate"),
    path("passkey/", views.passkey_sign_in, name="mfa_login_webauthn"),
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("sso/cancelled/", sso.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/error/", sso.login_error, name="socialaccount_login_error"),
    path("sso/signup/", sso.signup, name="socialaccount_signup"),
    # Passwords: Django's views, as before.
    path("password_change/", unless_sso_only(auth.PasswordChangeView.as_view()), name="password_change"),
    path("password_change/done/", unless_sso_only(auth.PasswordChangeDoneView.as_view()), name="password_change_done"),
    *password_reset_views,
    # Sign-in and security: the page, and what it links to.
    path("security/", views.security, name="account_security"),
    path("security/", views.security, name="mfa_index"),
    path("security/", views.security, name="mfa_list_webauthn"),
    path("security/sso/", sso.connections, name="socialaccount_connections"),
    path("security/confirm/", account.reauthenticate, name="account_reauthenticate"),
    path("security/confirm/code/", mfa.reauthenticate, name="mfa_reauthenticate"),
    path("security/confirm/key/", webauthn.reauthenticate_webauthn, name="mfa_reauthenticate_webauthn"),
    path("security/app/", totp.activate_totp, name="mfa_activate_totp"),
    path("security/app/remove/", totp.deactivate_totp, name="mfa_deactivate_totp"),
    path("security/recovery-codes/", recovery_codes.view_recovery_codes, name="mfa_view_recovery_codes"),
    path("security/recovery-codes/new/", recovery_codes.generate_recovery_codes, name="mfa_generate_recovery_codes"),
    path("security/recovery-codes/download/", recovery_codes.download_recovery_codes, name="mfa_download_recovery_codes"),
    path("security/keys/add/", webauthn.add_webauthn, name="mfa_add_webauthn"),
    path("security/keys/<int:pk>/rename/", webauthn.edit_webauthn, name="mfa_edit_webauthn"),
    path("security/keys/<int:pk>/remove/", webauthn.remove_webauthn, name="mfa_remove_webauthn"),
]
