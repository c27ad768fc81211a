"""Mail the sign-in pages ask for, sent by the worker (never inside a web request)."""

import logging
import smtplib

from celery import shared_task

from .password_reset import mail_reset_links

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, max_retries=5)
def send_password_reset(self, email: str) -> None:
    """The reset mail for `email`. A temporary mail error retries with backoff (30 s doubling);
    a refused address is not retried."""
    try:
        mail_reset_links(email)
    except smtplib.SMTPRecipientsRefused as exc:
        if all(code >= 500 for code, _ in exc.recipients.values()):
            logger.warning("password reset mail refused: %s", exc)
            return
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries)
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries)
