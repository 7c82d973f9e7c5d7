"""E-mail delivery: SMTP when a host is configured, `.eml` files in a sink directory when not.

Every message carries `Message-ID: <outbox-{id}@{domain of MAIL_FROM}>`, so the same row always
produces the same identifier: a recipient's system, or an admin checking a mail log, can tell a
second copy from a second message.

Sending is split at the one moment that matters for "exactly once": before the message text has
been handed to the server, any failure means it was not sent and the row is retried; once the text
is on the wire, a broken connection means nobody knows, and the row is failed as interrupted
(`DeliveryUncertain`) for an admin to decide, exactly like a worker that died mid-send.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any

from engine.clock import clock

from .attachments import load as load_attachment
from .errors import DeliveryUncertain, PermanentFailure
from .rendering import language_of
from .rendering import render as render_email
from .settings import SettingError

log = logging.getLogger(__name__)

SECURITY_CHOICES = ("none", "starttls", "ssl")
# RFC 5322 allows 998 characters a line; folding at 78 pushes a long ASCII subject onto a
# continuation line, which some readers then show with a leading space.
SMTP_POLICY = SMTP.clone(max_line_length=998)

_sink_announced: set[str] = set()


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    user: str
    password: str
    security: str
    timeout: int
    mail_from: str
    sink_dir: Path

    @classmethod
    def from_config(cls, config: Any) -> MailSettings:
        security = str(config.get("OMBUDSFLOW_SMTP_SECURITY") or "none").strip().lower()
        if security not in SECURITY_CHOICES:
            raise SettingError(
                f"OMBUDSFLOW_SMTP_SECURITY must be one of {', '.join(SECURITY_CHOICES)}, "
                f"got {config.get('OMBUDSFLOW_SMTP_SECURITY')!r}"
            )
        mail_from = str(config.get("OMBUDSFLOW_MAIL_FROM") or "").strip()
        if not _address_of(mail_from) or "@" not in _address_of(mail_from):
            raise SettingError(
                f"OMBUDSFLOW_MAIL_FROM must be an address like 'NPM <npm@example.org>', got {mail_from!r}"
            )
        return cls(
            host=str(config.get("OMBUDSFLOW_SMTP_HOST") or "").strip(),
            port=int(config.get("OMBUDSFLOW_SMTP_PORT") or 25),
            user=str(config.get("OMBUDSFLOW_SMTP_USER") or ""),
            password=str(config.get("OMBUDSFLOW_SMTP_PASSWORD") or ""),
            security=security,
            timeout=int(config.get("OMBUDSFLOW_SMTP_TIMEOUT") or 20),
            mail_from=mail_from,
            sink_dir=Path(config.get("OMBUDSFLOW_MAIL_SINK_DIR") or "mail"),
        )

    @property
    def sender(self) -> str:
        return _address_of(self.mail_from)

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]

    def describe(self) -> str:
        if not self.host:
            return f"e-mail goes to .eml files in {self.sink_dir} (OMBUDSFLOW_SMTP_HOST is not set)"
        login = f" as {self.user}" if self.user else ""
        return f"e-mail goes to SMTP {self.host}:{self.port} ({self.security}){login}"


def message_id(outbox_id: int, domain: str) -> str:
    return f"<outbox-{outbox_id}@{domain}>"


def build_message(row: Any, settings: MailSettings) -> EmailMessage:
    """The whole message for an outbox row: headers, text and HTML alternatives, attachments."""
    recipient = str(row.recipient).strip()
    if "@" not in _address_of(recipient):
        raise PermanentFailure(f"recipient {recipient!r} is not an e-mail address")
    subject, text, html, attachments = render_email(row, load_attachment)
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = settings.mail_from
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = message_id(row.id, settings.domain)
    # RFC 3834: tells out-of-office responders not to answer a machine.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Ombudsflow-Outbox-Id"] = str(row.id)
    msg["X-Ombudsflow-Topic"] = row.topic
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # Last: `set_content` and `add_attachment` move or drop the Content-* headers set before them.
    msg["Content-Language"] = language_of(row.language)
    return msg


class EmailChannel:
    """One delivery run's e-mail sender; keeps one SMTP connection open for the whole run."""

    name = "email"

    def __init__(self, config: Any) -> None:
        self.settings = MailSettings.from_config(config)
        self._smtp: smtplib.SMTP | None = None
        if not self.settings.host and str(self.settings.sink_dir) not in _sink_announced:
            _sink_announced.add(str(self.settings.sink_dir))
            log.warning("%s", self.settings.describe())

    def prepare(self, row: Any) -> EmailMessage:
        return build_message(row, self.settings)

    def send(self, row: Any, msg: EmailMessage) -> dict[str, Any]:
        if not self.settings.host:
            path = _write_eml(self.settings.sink_dir, row.id, msg)
            return {"message_id": msg["Message-ID"], "file": str(path)}
        recipient = _address_of(row.recipient)
        try:
            smtp = self._connection()
            _transmit(smtp, self.settings.sender, recipient, msg.as_bytes(policy=SMTP_POLICY))
        except BaseException:
            self._drop()  # no polite QUIT to a server that just failed us: it may not answer either
            raise
        return {"message_id": msg["Message-ID"]}

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def _transmit(smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> None:
    """MAIL, RCPT and DATA by hand (smtplib's `sendmail` in three steps), to know which side of the
    "text handed over" line a failure fell on."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        if code >= 500:
            raise PermanentFailure(f"the server refused recipient {recipient}: {code} {_text(reply)}")
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    try:
        smtp.send(_dot_stuffed(data))
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise DeliveryUncertain(
            f"the SMTP connection broke after the message was handed over ({exc.__class__.__name__}: {exc})"
        ) from exc
    if code >= 500:
        raise PermanentFailure(f"the server rejected the message: {code} {_text(reply)}")
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _dot_stuffed(data: bytes) -> bytes:
    """RFC 5321 §4.5.2: CRLF line ends, a leading dot doubled, and the lone dot that ends DATA."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _write_eml(folder: Path, outbox_id: int, msg: EmailMessage) -> Path:
    """Written under a temporary name and renamed, so a reader never sees half a message."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"outbox-{outbox_id}.eml"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".outbox-{outbox_id}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(msg.as_bytes(policy=SMTP_POLICY))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _address_of(value: str) -> str:
    pairs = getaddresses([value])
    return pairs[0][1] if pairs else ""


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
