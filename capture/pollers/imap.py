"""A mailbox over IMAP: the inbox and the sent folder, headers only (BODY.PEEK of a few header
fields: never a body, and no message is marked read), incrementally by UID. A folder's
UIDVALIDITY is remembered; when the server changes it, the folder is read again by date (stable
Message-ID keys keep that from suggesting anything twice)."""

import imaplib
import re
import socket
import ssl
from datetime import UTC, timedelta
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parsedate_to_datetime
from hashlib import sha256

from django.conf import settings

from interactions.models import InteractionKind

from .. import crypto
from ..found import Found, normalise, parse_addresses
from ..models import ImapSecurity, Source, SuggestionOrigin
from ..recording import record
from . import SourceError, refuse_private_host

FIELDS = (
    "FROM TO CC BCC DATE SUBJECT MESSAGE-ID LIST-ID LIST-UNSUBSCRIBE PRECEDENCE "
    "AUTO-SUBMITTED DELIVERED-TO X-ORIGINAL-TO"
)
FETCH_CHUNK = 500
_UID = re.compile(rb"UID (\d+)")


def _connect(source: Source, password: str) -> imaplib.IMAP4:
    refuse_private_host(source.host)
    timeout = settings.CAPTURE_TIMEOUT_SECONDS
    context = ssl.create_default_context()
    try:
        if source.security == ImapSecurity.SSL:
            conn = imaplib.IMAP4_SSL(
                source.host, source.port or 993, ssl_context=context, timeout=timeout
            )
        else:
            conn = imaplib.IMAP4(source.host, source.port or 143, timeout=timeout)
            if source.security == ImapSecurity.STARTTLS:
                conn.starttls(ssl_context=context)
    except ssl.SSLError as exc:
        raise SourceError(f"TLS error talking to the mail server: {exc.reason or exc}.") from None
    except (TimeoutError, socket.timeout):
        raise SourceError("The mail server did not answer in time.") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise SourceError(
            f"Could not reach the mail server {source.host}:{source.port}: "
            f"{getattr(exc, 'strerror', None) or type(exc).__name__}."
        ) from None
    try:
        conn.login(source.username, password)
    except imaplib.IMAP4.error as exc:
        _logout(conn)
        detail = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise SourceError(
            f"The mail server refused the sign-in ({detail.strip()[:120]}): check the user name "
            "and app password."
        ) from None
    return conn


def _logout(conn) -> None:
    try:
        conn.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _special_folder(conn, flag: str) -> str | None:
    """The folder the server marks with a special-use flag (RFC 6154), e.g. \\Sent."""
    typ, lines = conn.list()
    if typ != "OK":
        return None
    for line in lines or []:
        if not isinstance(line, bytes) or flag.encode().lower() not in line.lower():
            continue
        name = line.rsplit(b' "', 1)[-1] if line.endswith(b'"') else line.rsplit(b" ", 1)[-1]
        return name.strip(b'"').decode(errors="replace")
    return None


def _select(conn, folder: str, special: str | None) -> tuple[str, int, int]:
    typ, _ = conn.select(_quote(folder), readonly=True)
    if typ != "OK" and special:
        other = _special_folder(conn, special)
        if other and other != folder:
            folder = other
            typ, _ = conn.select(_quote(folder), readonly=True)
    if typ != "OK":
        raise SourceError(f"The mail server has no folder named “{folder}”.")
    _, validity = conn.response("UIDVALIDITY")
    _, uidnext = conn.response("UIDNEXT")
    return (
        folder,
        int(validity[0]) if validity and validity[0] else 0,
        int(uidnext[0]) if uidnext and uidnext[0] else 0,
    )


def _new_uids(conn, state: dict | None, uidvalidity: int, since) -> list[int]:
    if state and state.get("uidvalidity") == uidvalidity:
        last = int(state.get("uid", 0))
        typ, data = conn.uid("SEARCH", None, f"UID {last + 1}:*")
        # "n:*" also answers the last message when nothing is newer than n.
        uids = [int(u) for u in (data[0] or b"").split()] if typ == "OK" else []
        return sorted(u for u in uids if u > last)
    typ, data = conn.uid("SEARCH", None, f"SINCE {since:%d-%b-%Y}")
    if typ != "OK":
        raise SourceError("The mail server refused to search the folder.")
    return sorted(int(u) for u in (data[0] or b"").split())


def _headers(conn, uids: list[int]):
    """(uid, headers) of these messages, a chunk at a time."""
    # compat32: raw header text, decoded only where needed (the subject, display names).
    # The modern policy parses every header into objects: half of a 20,000-message read.
    parser = BytesHeaderParser(policy=compat32)
    for start in range(0, len(uids), FETCH_CHUNK):
        chunk = ",".join(str(u) for u in uids[start : start + FETCH_CHUNK])
        typ, data = conn.uid("FETCH", chunk, f"(UID BODY.PEEK[HEADER.FIELDS ({FIELDS})])")
        if typ != "OK":
            raise SourceError("The mail server refused to send message headers.")
        for part in data:
            if isinstance(part, tuple) and len(part) == 2:
                match = _UID.search(part[0])
                if match:
                    yield int(match.group(1)), parser.parsebytes(part[1])


def _header(message, name: str) -> str:
    value = message.get(name)
    return str(value) if value is not None else ""


def _decoded(raw: str) -> str:
    """An RFC 2047 encoded header (=?utf-8?q?…?=) as text; undecodable parts kept as they are."""
    if "=?" not in raw:
        return raw
    try:
        return str(make_header(decode_header(raw)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return raw


def _addresses(*raw: str) -> list[tuple[str, str]]:
    return [(address, _decoded(name)) for address, name in parse_addresses(*raw)]


def _is_bulk(message) -> bool:
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return True
    if _header(message, "Precedence").strip().lower() in {"bulk", "list", "junk"}:
        return True
    auto = _header(message, "Auto-Submitted").strip().lower()
    return bool(auto) and auto != "no"


def _found(message, origin: str, log_address: str, now, since) -> Found | None:
    if _is_bulk(message):
        return None
    sender = _addresses(_header(message, "From"))
    recipients = _addresses(_header(message, "To"), _header(message, "Cc"))
    hidden = _addresses(_header(message, "Bcc"))
    delivered = {
        a for a, _ in parse_addresses(_header(message, "Delivered-To"), _header(message, "X-Original-To"))
    }
    to_log = bool(log_address) and (
        log_address in delivered or log_address in {a for a, _ in recipients + hidden}
    )
    try:
        when = parsedate_to_datetime(_header(message, "Date"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        when = now
    when = min(when, now)
    if when < since:
        return None  # an old message filed late: older than the look-back
    message_id = _header(message, "Message-ID").strip().strip("<>").strip()
    subject = " ".join(_decoded(_header(message, "Subject")).split())
    if message_id:
        key = f"mail:{message_id}"
    else:
        digest = sha256(f"{when.isoformat()}|{sender}|{subject}".encode()).hexdigest()
        key = f"mail-hash:{digest}"
    if to_log:
        origin, people = SuggestionOrigin.LOG_ADDRESS, recipients
    elif origin == SuggestionOrigin.SENT:
        people = recipients + hidden
    else:
        people = sender + recipients
    return Found(
        key=key[:500],
        origin=origin,
        title=subject,
        start=when,
        end=when,
        people=[(a, n) for a, n in people if a != log_address],
        kind=InteractionKind.EMAIL,
        to_log_address=to_log,
    )


def read(source: Source, now) -> dict:
    password = crypto.decrypt(source.password_encrypted)
    since = now - timedelta(days=settings.CAPTURE_LOOKBACK_DAYS)
    log_address = normalise(source.log_address)
    stats = {"found": 0, "created": 0, "logged": 0, "updated": 0, "removed": 0}
    cursor = dict(source.cursor or {})
    conn = _connect(source, password)
    try:
        folders = [
            (source.inbox_folder or "INBOX", SuggestionOrigin.RECEIVED, None),
            (source.sent_folder or "Sent", SuggestionOrigin.SENT, "\\Sent"),
        ]
        for wanted, origin, special in folders:
            folder, uidvalidity, uidnext = _select(conn, wanted, special)
            state = cursor.get(wanted)
            uids = _new_uids(conn, state, uidvalidity, since)
            if state and state.get("uidvalidity") == uidvalidity:
                last = int(state["uid"])
            else:
                # Read by date: older messages with higher UIDs are behind us too.
                last = max(uidnext - 1, 0)
            items = []
            for uid, message in _headers(conn, uids):
                last = max(last, uid)
                item = _found(message, origin, log_address, now, since)
                if item is not None:
                    items.append(item)
            for name, value in record(source, items).items():
                stats[name] += value
            cursor[wanted] = {"uidvalidity": uidvalidity, "uid": last}
            # Saved per folder: a failure in the next one does not read this one again.
            Source.objects.filter(pk=source.pk).update(cursor=cursor)
            conn.close()
    except (OSError, imaplib.IMAP4.error) as exc:
        raise SourceError(f"The mail server connection failed ({type(exc).__name__}).") from None
    finally:
        _logout(conn)
    return stats
