"""The official's copy of the receipt goes through the outbox to a real SMTP server (aiosmtpd), with
the receipt PDF attached."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from notifications import delivery
from tests.notifications.conftest import SmtpServer
from workflows.answers.models import DocumentAnswer

from .answer_world import (
    answer_form,
    letter_fixture,  # noqa: F401  (the `letter` fixture)
)


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "OMBUDSFLOW_SMTP_HOST": "127.0.0.1", "OMBUDSFLOW_SMTP_PORT": smtp.port}


def test_the_official_gets_the_receipt_by_email(pages, letter, db, smtp):
    pages.get(letter.url)
    assert pages.post(letter.url, answer_form(letter, key="mail-copy-key-000001")).status_code == 302
    delivery.deliver_due()
    db.session.commit()
    answer = db.session.scalar(sa.select(DocumentAnswer))
    copies = [m for m in smtp.messages if "koval@colony48.example" in m.rcpt_tos]
    assert len(copies) == 1
    message = copies[0].message
    assert message["Subject"] == f"Вашу відповідь зареєстровано: {answer.reference}"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"Реєстраційний номер: {answer.reference}" in body and "Ганна Коваль, Начальник відділу" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"receipt-{answer.reference}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
