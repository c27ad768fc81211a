"""One message over SMTP with a commit point just before the end of DATA.

A mail server takes responsibility for a message when it has read DATA's final "." line, and
says so in its reply. Before that "." nothing can be delivered: a worker killed while it
connects, authenticates, names the recipients or uploads the body leaves no message behind.
So the digest row is moved to `sending` (the commit point: "the server may have it now")
only right before that "." goes out, and to `sent` as soon as the reply is read. Only a kill in
that one round-trip leaves the question open (the choice for it: docs/usage.md, "Digests").

Backends other than SMTP (files, console, memory) have no such point: the commit point is
called just before their send.
"""

import re
import smtplib
from collections.abc import Callable
from email import policy

from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

CRLF = b"\r\n"


def is_permanent(exc: BaseException) -> bool:
    """A refusal to retry no more: recipients refused with 5xx codes only. A greylisting
    server's 450/451 at RCPT (and any other 4xx) is temporary, like a dropped connection."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def send_with_commit_point(mailer, message, commit: Callable[[], bool]) -> bool:
    """Send `message` through the opened `mailer`. `commit()` is called right before the server
    could accept the message; when it returns False (the row is no longer ours) the
    conversation is dropped before the final "." and nothing is delivered. Returns whether the
    message was sent. Raises smtplib's errors as smtplib.sendmail does."""
    conn = getattr(mailer, "connection", None)
    if not isinstance(mailer, SMTPBackend) or conn is None:
        if not commit():
            return False
        mailer.send_messages([message])
        return True
    sender = mailer.prep_address(message.from_email)
    recipients = [mailer.prep_address(address) for address in message.recipients()]
    body = message.message(policy=policy.SMTP).as_bytes()
    conn.ehlo_or_helo_if_needed()
    options = [f"size={len(body)}"] if conn.does_esmtp and conn.has_extn("size") else []
    code, reply = conn.mail(sender, options)
    if code != 250:
        _reset(conn)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        _reset(conn)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = conn.docmd("data")
    if code != 354:
        _reset(conn)
        raise smtplib.SMTPDataError(code, reply)
    data = re.sub(rb"(?m)^\.", b"..", body)  # dot-stuffing, as smtplib does
    conn.send(data if data.endswith(CRLF) else data + CRLF)
    if not commit():
        # Dropped without QUIT (in DATA it would be read as a line of the message): without
        # the final ".", the server discards what it has read.
        conn.close()
        mailer.connection = None
        return False
    conn.send(b"." + CRLF)
    code, reply = conn.getreply()
    if code != 250:
        _reset(conn)
        raise smtplib.SMTPDataError(code, reply)
    return True


def _reset(conn) -> None:
    try:
        conn.rset()
    except smtplib.SMTPServerDisconnected:
        pass
