"""Password reset: throttled per address and per client, and mailed by the worker.

The request only checks the form and the throttles and queues `accounts.tasks.
send_password_reset` with the address (after the commit); it never looks the address up, so
the answer and its timing are the same whether an account has it or not (no enumeration), and
a slow mail server never holds a web worker. The worker finds the accounts, makes the link
(on SITE_URL) and sends, retrying temporary mail errors.
"""

import hashlib
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import loader

from . import throttles

TOO_MANY_FROM_HERE = "Too many password reset requests from your address. Try again in an hour."


def _address_key(email: str) -> str:
    # The address itself is not kept in the cache's keys.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class ThrottledPasswordResetForm(PasswordResetForm):
    """The request's side: a per-client limit (a field error), a per-address limit (the same
    "check your inbox" page, nothing more sent), then the mail is queued for the worker."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].widget.attrs.update({"autofocus": True})

    def clean(self):
        cleaned = super().clean()
        if self.request is not None and not self.errors:
            if throttles.is_throttled(self.request, "password_reset_client"):
                raise forms.ValidationError(TOO_MANY_FROM_HERE, code="throttled")
            throttles.count(self.request, "password_reset_client")
        return cleaned

    def save(self, *args, request=None, **kwargs):
        from .tasks import send_password_reset

        email = self.cleaned_data["email"]
        subject = _address_key(email)
        if throttles.is_throttled(request, "password_reset_address", subject=subject):
            return  # the same page as ever: the address has had its mails for this hour
        throttles.count(request, "password_reset_address", subject=subject)
        transaction.on_commit(lambda: send_password_reset.delay(email))


class WorkerPasswordResetForm(PasswordResetForm):
    """The worker's side: Django's reset mail, except that a failed send raises (to be
    retried) instead of being logged and dropped."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        message.send()


def mail_reset_links(email: str) -> None:
    """Send the reset mail to each active account with this address (none: nothing)."""
    form = WorkerPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(domain_override=site.netloc, use_https=site.scheme == "https")


class PasswordResetView(auth.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
