"""Register numbers (вихідний № … від …): taken in the approving transaction, one register per year
and a separate one for protocols, no gaps and no duplicates — also under concurrent approval with
real transactions (threads, each with its own connection) — in the format the Office sets."""

from __future__ import annotations

import threading

import pytest

from web import create_app
from workflows.documents import registers
from workflows.documents import services as documents
from workflows.documents.registers import NumberFormatError, check_format
from workflows.users.models import User


def submitted(desk, db, count):
    docs = []
    for _ in range(count):
        doc = desk.draft()
        documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
        docs.append(doc.id)
    db.session.commit()
    return docs


def test_concurrent_approvals_take_every_number_once_without_gaps(app, db, desk):
    count = 10
    ids = submitted(desk, db, count)
    manager_id = desk.manager.id
    db.session.close()  # nothing of this thread's session may hold a lock while the others work
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def approve(document_id: int) -> None:
        with app.app_context():
            try:
                manager = db.session.get(User, manager_id)
                db.session.commit()
                barrier.wait(timeout=60)  # all approvals start together, each in its own transaction
                documents.approve(manager, document_id, expected_version=None)
                db.session.commit()
            except BaseException as exc:
                failures.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    numbers = sorted((d.register_seq, d.number) for d in (db.session.get(documents.Document, i) for i in ids))
    assert numbers == [(n, f"01-12/{n:04d}-26") for n in range(1, count + 1)]


def test_a_rolled_back_approval_gives_its_number_back(db, desk):
    first, second = submitted(desk, db, 2)
    documents.approve(desk.manager, first, expected_version=None)
    db.session.rollback()
    approved = documents.approve(desk.manager, second, expected_version=None)
    db.session.commit()
    assert approved.number == "01-12/0001-26"


def test_each_year_starts_a_register_afresh(db, desk, clock):
    from datetime import UTC, datetime

    first = desk.approved()
    clock.freeze(datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    second = desk.approved()
    db.session.commit()
    assert (first.number, second.number, second.number_date.isoformat()) == (
        "01-12/0001-26",
        "01-12/0001-27",
        "2027-01-04",
    )


def test_the_office_sets_the_format(app, db, desk):
    app.config["OMBUDSFLOW_OUTGOING_NUMBER_FORMAT"] = "НПМ-{year}/{seq}"
    doc = desk.approved()
    assert doc.number == "НПМ-2026/1"
    assert registers.format_number("protocol", 42, 2026) == "ПР-0042-26"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("{seq.real}", "use named fields only"),
        ("{0}-{yy}", "use named fields only"),
        ("{number}-{yy}", "unknown field(s) number"),
        ("01-12/{yy}", "must contain {seq}"),
        ("{seq:Z}", "Unknown format code"),
        ("{seq", "expected '}'"),
    ],
)
def test_a_format_that_cannot_work_is_refused(pattern, reason):
    with pytest.raises(NumberFormatError) as caught:
        check_format(pattern)
    assert reason in str(caught.value)


def test_the_app_does_not_start_with_a_broken_format(app_config):
    with pytest.raises(NumberFormatError, match="OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT"):
        create_app({**app_config, "OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT": "ПР-{n}"})
