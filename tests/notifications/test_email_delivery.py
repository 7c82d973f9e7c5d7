"""E-mail delivery against a real SMTP server: arrival, backoff, giving up, retry, parallel workers,
a worker killed mid-send, and the file sink."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from engine.models import AuditEvent, OutboxMessage
from engine.outbox import enqueue
from notifications.delivery import deliver_due, failed, retry
from tests.conftest import T0, base_config

from .payloads import payload

OMBUDSFLOW = Path(sys.executable).with_name("ombudsflow")
T0_ISO = T0.isoformat()


def act_attachments(language: str) -> list[dict]:
    """The act as the domain sends it: rendered to a PDF, kept in the file store, named in the payload."""
    from workflows.documents.pdf import Letter, filename, render
    from workflows.files import store

    act = payload("act_sent", language)["act"]
    letter = Letter(
        language=language,
        title="Подання" if language == "uk" else "Submission",
        addressee=payload("act_sent", language)["authority"]["name"],
        body=act["text"],
        number=act["number"],
        number_date=date.fromisoformat(act["date"]),
        signatory_name=act["signatory"],
    )
    name = filename(letter.title, act["number"], language)
    stored = store.store(render(letter), filename=name, actor="test")
    return [{"sha256": stored.sha256, "filename": name, "content_type": "application/pdf"}]


def add_email(db, topic="reminder", recipient="sizo@kyiv.test", language="uk", **kwargs) -> int:
    body = payload(topic, language)
    if topic == "act_sent":
        body["attachments"] = act_attachments(language)
    body.update(kwargs.pop("extra", {}))
    row = enqueue(
        channel="email",
        topic=topic,
        recipient=recipient,
        language=language,
        payload=body,
        instance_id=kwargs.pop("instance_id", 7),
        business_key=kwargs.pop("business_key", "Р-2026-0007"),
        **kwargs,
    )
    outbox_id = row.id
    # Read before the commit: touching the row after it would open a transaction, and on SQLite every
    # transaction takes the write lock that the workers under test need.
    db.session.commit()
    return outbox_id


def get(db, outbox_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, outbox_id)


def events(db, name):
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id))
    )


def test_messages_arrive_with_recipient_language_subject_message_id_parts_and_the_act(app, db, smtp):
    act_uk = add_email(db, "act_sent", "sizo@kyiv.test", "uk")
    act_en = add_email(db, "act_sent", "office@cpt.test", "en")
    lawyer = add_email(db, "overdue", "o.koval@ombudsman.test", "uk")

    result = deliver_due()

    assert result.count("sent") == 3, result.outcomes
    by_id = {m.message["X-Ombudsflow-Outbox-Id"]: m for m in smtp.messages}
    assert len(smtp.messages) == 3 and set(by_id) == {str(act_uk), str(act_en), str(lawyer)}

    uk = by_id[str(act_uk)]
    assert uk.rcpt_tos == ["sizo@kyiv.test"] and uk.mail_from == "npm@ombudsflow.localhost"
    assert uk.message["To"] == "sizo@kyiv.test"
    assert uk.message["Subject"] == "Подання № П-2026-0012 від 23.11.2026 щодо рекомендації Р-2026-0007"
    assert uk.message["Message-ID"] == f"<outbox-{act_uk}@ombudsflow.localhost>"
    assert uk.message["Content-Language"] == "uk" and uk.message["Auto-Submitted"] == "auto-generated"
    assert "Шановні колеги!" in uk.message.get_body(("plain",)).get_content()
    assert (
        "<strong>Державна установа «Київський слідчий ізолятор»</strong>"
        in uk.message.get_body(("html",)).get_content()
    )
    [attachment] = list(uk.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Подання № П-2026-0012.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert "№ П-2026-0012 від 23.11.2026" in pdf.pages[0].extract_text()

    en = by_id[str(act_en)]
    assert (
        en.message["Subject"].startswith("Submission No. S-2026-0012")
        and en.message["Content-Language"] == "en"
    )
    assert "Dear colleagues," in en.message.get_body(("plain",)).get_content()
    assert (
        "SUBMISSION"
        in PdfReader(io.BytesIO(next(en.message.iter_attachments()).get_content())).pages[0].extract_text()
    )
    assert list(by_id[str(lawyer)].message.iter_attachments()) == []

    row = get(db, act_uk)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, T0, None)
    sent = [e for e in events(db, "notification_sent") if e.details["outbox_id"] == act_uk]
    assert [(e.instance_id, e.business_key, e.subject) for e in sent] == [
        (7, "Р-2026-0007", f"outbox:{act_uk}")
    ]
    assert sent[0].details["message_id"] == f"<outbox-{act_uk}@ombudsflow.localhost>"
    assert deliver_due().outcomes == []  # nothing is sent twice


def test_smtp_down_means_retries_with_backoff_until_it_is_back(app, db, clock, smtp_down):
    outbox_id = add_email(db)

    assert [o.result for o in deliver_due().outcomes] == ["retry"]
    row = get(db, outbox_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, T0 + timedelta(minutes=1))
    assert "ConnectionRefusedError" in row.last_error

    assert deliver_due().outcomes == []  # not due before its backoff
    clock.advance(minutes=1)
    assert [o.result for o in deliver_due().outcomes] == ["retry"]
    assert get(db, outbox_id).next_attempt_at == T0 + timedelta(minutes=1 + 2)
    clock.advance(minutes=2)
    deliver_due()
    assert get(db, outbox_id).next_attempt_at == T0 + timedelta(minutes=3 + 4)

    smtp_down.start()
    clock.advance(minutes=3)
    assert deliver_due().outcomes == []
    clock.advance(minutes=1)
    assert [o.result for o in deliver_due().outcomes] == ["sent"]
    row = get(db, outbox_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)
    assert len(smtp_down.messages) == 1
    assert events(db, "notification_failed") == []


def test_after_the_last_attempt_the_row_fails_and_retry_brings_it_back(app, db, clock, smtp_down):
    app.config["OMBUDSFLOW_DELIVERY_RETRIES"] = 3
    outbox_id = add_email(db)
    for minutes in (1, 2, 4):
        deliver_due()
        clock.advance(minutes=minutes)
    row = get(db, outbox_id)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error.endswith("(attempt 3 of 3)")
    assert [r.id for r in failed()] == [outbox_id]
    [audit] = events(db, "notification_failed")
    assert (audit.instance_id, audit.business_key, audit.details["interrupted"]) == (7, "Р-2026-0007", False)
    clock.advance(days=1)
    assert deliver_due().outcomes == []  # failed rows stay failed

    retry(outbox_id, actor="admin:olena")
    db.session.commit()
    row = get(db, outbox_id)
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (
        "pending",
        0,
        None,
        T0 + timedelta(days=1, minutes=7),
    )
    [retried] = events(db, "notification_retried")
    assert (retried.actor, retried.business_key, retried.details["previous"]["attempts"]) == (
        "admin:olena",
        "Р-2026-0007",
        3,
    )

    smtp_down.start()
    assert [o.result for o in deliver_due().outcomes] == ["sent"]
    assert len(smtp_down.messages) == 1 and failed() == []


def test_a_refused_recipient_fails_at_once_without_retries(app, db, smtp):
    smtp.recorder.refuse.add("gone@kyiv.test")
    gone = add_email(db, recipient="gone@kyiv.test")
    fine = add_email(db, recipient="sizo@kyiv.test")
    outcomes = {o.id: o.result for o in deliver_due().outcomes}
    assert outcomes == {gone: "failed", fine: "sent"}
    row = get(db, gone)
    assert (row.status, row.attempts) == ("failed", 1) and "550" in row.last_error
    assert [m.rcpt_tos for m in smtp.messages] == [["sizo@kyiv.test"]]


def test_two_workers_in_parallel_send_every_row_exactly_once(app, db, smtp):
    ids = [add_email(db, recipient=f"authority{i}@oblast.test") for i in range(24)]
    smtp.recorder.delay = 0.01  # long enough that both workers are surely busy at the same time
    start = threading.Barrier(2)
    errors, sent_by_worker = [], []

    def worker():
        try:
            with app.app_context():
                start.wait(5)
                sent_by_worker.append(deliver_due(batch=3).count("sent"))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sum(sent_by_worker) == len(ids) and min(sent_by_worker) > 0, sent_by_worker
    ids_received = [int(m.message["X-Ombudsflow-Outbox-Id"]) for m in smtp.messages]
    assert sorted(ids_received) == ids  # every row once, none twice
    assert len({m.message["Message-ID"] for m in smtp.messages}) == len(ids)
    db.session.expire_all()
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len(events(db, "notification_sent")) == len(ids)


def test_a_worker_killed_while_sending_causes_no_duplicate_and_leaves_the_row_interrupted(
    app, db, clock, smtp, database_url, tmp_path
):
    outbox_id = add_email(db, topic="act_sent")
    db.session.remove()  # no transaction of ours may hold SQLite's write lock while the worker runs
    smtp.recorder.hold = True
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret",
        "OMBUDSFLOW_SMTP_HOST": "127.0.0.1",
        "OMBUDSFLOW_SMTP_PORT": str(smtp.port),
        "OMBUDSFLOW_SMTP_SECURITY": "none",
        "OMBUDSFLOW_SCHEDULER": "0",
    }
    worker = subprocess.Popen(
        [str(OMBUDSFLOW), "outbox", "deliver", "--now", T0_ISO],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.recorder.in_data.wait(30), worker.communicate(timeout=5)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.recorder.release.set()
    assert worker.returncode == -signal.SIGKILL
    assert len(smtp.messages) == 1  # it did reach the server; the worker never learnt so

    row = get(db, outbox_id)
    assert (row.status, row.attempts, row.claimed_at) == ("sending", 1, T0)
    assert ":" in row.claimed_by

    assert deliver_due().outcomes == []  # within the lease: maybe still being sent, leave it
    clock.advance(minutes=10)
    [outcome] = deliver_due().outcomes
    assert outcome.result == "interrupted"
    row = get(db, outbox_id)
    assert row.status == "failed"
    assert row.last_error.startswith("delivery interrupted: ")
    assert "may or may not have been delivered" in row.last_error
    assert f"Message-ID <outbox-{outbox_id}@ombudsflow.localhost>" in row.last_error
    [audit] = events(db, "notification_failed")
    assert audit.details["interrupted"] is True and audit.business_key == "Р-2026-0007"

    clock.advance(days=1)
    deliver_due()
    assert len(smtp.messages) == 1  # never resent on its own


def test_a_worker_killed_mid_batch_strands_only_the_message_in_flight(
    app, db, clock, smtp, database_url, tmp_path
):
    """A real deliverer (its own process) claims a batch of 8, sends 2, is killed with SIGKILL while
    the SMTP server holds the 3rd: after the lease the 3rd is "interrupted" (it reached the server;
    nobody can say more), the 5 it never handed over go back to the queue and are sent once each."""
    ids = [add_email(db, recipient=f"authority{i}@kyiv.test") for i in range(8)]
    db.session.remove()
    smtp.recorder.hold_at = 3
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret",
        "OMBUDSFLOW_SMTP_HOST": "127.0.0.1",
        "OMBUDSFLOW_SMTP_PORT": str(smtp.port),
        "OMBUDSFLOW_SMTP_SECURITY": "none",
        "OMBUDSFLOW_SCHEDULER": "0",
        "OMBUDSFLOW_OUTBOX_BATCH": "8",
    }
    worker = subprocess.Popen(
        [str(OMBUDSFLOW), "outbox", "deliver", "--now", T0_ISO],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.recorder.in_data.wait(60), worker.communicate(timeout=5)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.recorder.release.set()
    assert worker.returncode == -signal.SIGKILL
    assert len(smtp.messages) == 3
    in_flight = int(smtp.messages[2].message["X-Ombudsflow-Outbox-Id"])
    db.session.expire_all()
    rows = {r.id: r for r in db.session.scalars(sa.select(OutboxMessage))}
    assert sorted(r.status for r in rows.values()) == ["sending"] * 6 + ["sent"] * 2
    assert [i for i, r in rows.items() if r.handed_at is not None and r.status == "sending"] == [in_flight]
    db.session.remove()

    smtp.recorder.hold_at = None
    assert deliver_due().outcomes == []  # within the lease: the worker may still be alive
    clock.advance(minutes=11)
    result = deliver_due()
    by_result = sorted((o.result, o.id) for o in result.outcomes)
    never_handed = sorted(
        set(ids) - {in_flight} - {int(m.message["X-Ombudsflow-Outbox-Id"]) for m in smtp.messages[:2]}
    )
    assert by_result == sorted(
        [("interrupted", in_flight)]
        + [("requeued", i) for i in never_handed]
        + [("sent", i) for i in never_handed]
    )
    received = sorted(int(m.message["X-Ombudsflow-Outbox-Id"]) for m in smtp.messages)
    assert received == sorted(ids)  # every message once: none lost, none doubled
    db.session.expire_all()
    statuses = {i: (r.status, r.attempts) for i, r in ((i, db.session.get(OutboxMessage, i)) for i in ids)}
    assert statuses[in_flight] == ("failed", 1)
    assert {statuses[i] for i in never_handed} == {("sent", 1)}  # the aborted claim is not counted
    assert len(events(db, "notification_requeued")) == 5


def test_a_connection_lost_after_the_message_was_handed_over_is_interrupted_not_retried(app, db, smtp):
    app.config["OMBUDSFLOW_SMTP_TIMEOUT"] = 1
    smtp.recorder.hold = True  # the server takes the message and never answers in time
    outbox_id = add_email(db)
    [outcome] = deliver_due().outcomes
    assert outcome.result == "interrupted"
    row = get(db, outbox_id)
    assert row.status == "failed" and "broke after the message was handed over" in row.last_error
    smtp.recorder.release.set()
    assert len(smtp.messages) == 1


def test_without_an_smtp_host_messages_are_written_as_eml_files(app, db, tmp_path):
    outbox_id = add_email(db, "act_sent")
    [outcome] = deliver_due().outcomes
    assert outcome.result == "sent"
    path = tmp_path / "mail" / f"outbox-{outbox_id}.eml"
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == f"<outbox-{outbox_id}@ombudsflow.localhost>"
    assert message["Subject"].startswith("Подання № П-2026-0012")
    assert next(message.iter_attachments()).get_content_type() == "application/pdf"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left behind
    [sent] = events(db, "notification_sent")
    assert sent.details["file"] == str(path)


def test_an_attachment_missing_from_the_file_store_fails_its_row_at_once(app, db, smtp):
    missing = {"sha256": "0" * 64, "filename": "Подання.pdf", "content_type": "application/pdf"}
    outbox_id = add_email(db, "reminder", extra={"attachments": [missing]})
    [outcome] = deliver_due().outcomes
    assert outcome.result == "failed"
    assert get(db, outbox_id).last_error == f"attachment 'Подання.pdf' ({'0' * 64}) is not in the file store"
    assert smtp.messages == []


def test_a_bad_smtp_security_setting_stops_the_app_with_a_clear_message(tmp_path):
    from notifications.settings import SettingError
    from web import create_app

    config = base_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path)
    with pytest.raises(
        SettingError, match=r"OMBUDSFLOW_SMTP_SECURITY must be one of none, starttls, ssl, got 'tls'"
    ):
        create_app({**config, "OMBUDSFLOW_SMTP_SECURITY": "tls"})

    env = {
        **os.environ,
        "OMBUDSFLOW_SMTP_SECURITY": "TLS1.2",
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    done = subprocess.run(
        [str(OMBUDSFLOW), "outbox", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: OMBUDSFLOW_SMTP_SECURITY must be one of none, starttls, ssl, got 'TLS1.2'"
    ]
