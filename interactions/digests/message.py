"""The digest as an email: subject / text / html templates (templates/emails/digest-*),
one-click unsubscribe headers (RFC 8058) and a Message-ID fixed per user and week; built a
batch at a time, as the workers send them."""

import email.policy
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .content import build_digests
from .schedule import digest_window


class DigestEmail(EmailMultiAlternatives):
    """The digest's email. Its headers fold at RFC 5322's hard limit (998), not the
    recommended 78: Python folds a longer header that has no space, such as
    `List-Unsubscribe: <https://…/signed-token/>`, into RFC 2047 encoded words, which
    RFC 2369 does not allow there and one-click unsubscribe (RFC 8058) readers do not decode.
    Bodies still get quoted-printable where a line would pass 998 characters."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def digest_text(context: dict) -> str:
    """The email's text part (what the preview page shows under it)."""
    return render_to_string("emails/digest-body.txt", context)


def digest_html(context: dict) -> str:
    """The email's HTML part (what the preview of the email shows)."""
    return render_to_string("emails/digest-body.html", context)


def render_digest_message(
    owner, context: dict, *, period: date | None = None
) -> EmailMultiAlternatives:
    """The digest as an email: subject / text / html templates, one-click unsubscribe headers
    (RFC 8058) and a Message-ID fixed per user and week so mail clients fold any duplicate."""
    subject = " ".join(render_to_string("emails/digest-subject.txt", context).split())
    text = digest_text(context)
    html_part = digest_html(context)
    period = period or context["today"]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": f"<digest.{owner.pk}.{period.isoformat()}@{domain}>",
    }
    message = DigestEmail(subject, text, to=[owner.email], headers=headers)
    message.attach_alternative(html_part, "text/html")
    return message


def build_digest_messages(owners, now: datetime) -> list[EmailMultiAlternatives]:
    """This week's digest emails for `owners` (users loaded with select_related("profile")), in
    the same order: build_digests for the batch, then render_digest_message for each. What the
    workers send, and what the benchmark times."""
    return [
        render_digest_message(
            owner, context, period=digest_window(context["profile"], now).period
        )
        for owner, context in zip(owners, build_digests(owners, now), strict=True)
    ]
