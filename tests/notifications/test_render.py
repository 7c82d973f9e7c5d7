"""What a recipient reads, without SMTP: subjects, texts, plurals, Kyiv dates, attachments, and
messages the sender wrote in full."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from notifications.attachments import Attachment
from tests.conftest import T0
from workflows.notices.formatting import format_date, format_datetime, plural
from workflows.notices.render import render_email
from workflows.notices.topics import TOPICS, PayloadError

from .payloads import payload


@pytest.fixture(autouse=True)
def catalog(tmp_path):
    """The words of the notices come from the app's gettext catalog: an app (no database) around
    each rendering, as delivery has."""
    from tests.conftest import base_config
    from web import create_app

    application = create_app(base_config("sqlite://", tmp_path))
    with application.app_context():
        yield


def row(topic, language="uk", **changes):
    return SimpleNamespace(id=42, topic=topic, language=language, payload=payload(topic, language, **changes))


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_topic_renders_text_and_html_in_both_languages(topic, language):
    subject, text, html, _ = render_email(row(topic, language))
    number = payload(topic, language).get("recommendation", {}).get("number") or "2026-0007"
    assert subject and "\n" not in subject
    if topic == "alert":  # about a list, not one recommendation: its link
        number = "region=lviv&severity=critical"
        assert number in text and number.replace("&", "&amp;") in html
    else:
        assert number in text and number in html
    assert html.startswith("<!doctype html>") and f'<html lang="{language}">' in html
    for leftover in ("None", "{{", "{%", "Undefined"):
        assert leftover not in text and leftover not in html


def test_subjects_are_in_the_recipients_language():
    assert (
        render_email(row("act_sent", "uk"))[0]
        == "Подання № П-2026-0012 від 23.11.2026 щодо рекомендації Р-2026-0007"
    )
    assert (
        render_email(row("act_sent", "en"))[0]
        == "Submission No. S-2026-0012 of 23.11.2026 on recommendation R-2026-0007"
    )
    assert render_email(row("reminder", "uk"))[0] == "Нагадування про строк розгляду рекомендації Р-2026-0007"
    assert render_email(row("reminder", "en"))[0] == "Reminder: term for recommendation R-2026-0007"


def test_a_language_without_templates_falls_back_to_ukrainian():
    subject = render_email(SimpleNamespace(topic="closed", language="de", payload=payload("closed", "uk")))[0]
    assert subject == "Рекомендацію Р-2026-0007 знято з контролю"


@pytest.mark.parametrize(
    ("days", "uk", "en"),
    [
        (1, "1 день", "1 day"),
        (2, "2 дні", "2 days"),
        (4, "4 дні", "4 days"),
        (5, "5 днів", "5 days"),
        (11, "11 днів", "11 days"),
        (14, "14 днів", "14 days"),
        (21, "21 день", "21 days"),
        (22, "22 дні", "22 days"),
        (25, "25 днів", "25 days"),
        (111, "111 днів", "111 days"),
    ],
)
def test_days_agree_with_their_number(days, uk, en):
    assert plural(days, "day", "uk") == uk
    assert plural(days, "day", "en") == en
    # Counted when the letter is written (the test clock: 23.11.2026), from the deadline it names.
    ahead = (T0 + timedelta(days=days)).isoformat()
    behind = (T0 - timedelta(days=days)).isoformat()
    assert f"через {uk} " in render_email(row("reminder", "uk", due_at=ahead))[1]
    assert f"прострочено на {uk}." in render_email(row("overdue", "uk", due_at=behind))[1]


def test_ukrainian_task_counts_in_the_digest():
    assert [plural(n, "task", "uk") for n in (1, 3, 5, 21)] == [
        "1 завдання",
        "3 завдання",
        "5 завдань",
        "21 завдання",
    ]
    text = render_email(row("digest", "uk"))[1]
    assert "Прострочено: 2 завдання" in text and "Строк спливає найближчим часом: 1 завдання" in text


def test_dates_are_ukrainian_style_and_times_are_kyiv_time_winter_and_summer():
    assert format_date("2026-11-23") == "23.11.2026"
    # 22:30 UTC is already the next day in Kyiv: UTC+2 in winter, UTC+3 in summer.
    assert format_datetime("2026-11-30T22:30:00Z") == "01.12.2026 00:30"
    assert format_datetime("2026-07-01T21:30:00+00:00") == "02.07.2026 00:30"
    assert format_date("2026-12-31T22:15:00Z") == "01.01.2027"
    text = render_email(row("reply_receipt", "uk", reply={"received_at": "2026-11-30T22:30:00Z"}))[1]
    assert "отримано 01.12.2026 00:30 (за київським часом)" in text


def test_the_act_states_the_term_as_the_law_gives_it_counted_from_receipt():
    text = render_email(row("act_sent", "uk"))[1]
    assert (
        "Строк розгляду — 1 місяць з дня отримання подання (ст. 15 Закону України «Про Уповноваженого" in text
    )
    assert "строк спливає наступного робочого дня" in text
    # No date can be promised before the act is received: the letter names none.
    assert "23.12.2026" not in text and "до " not in text.split("Строк розгляду")[1].split("\n")[0]
    request = render_email(
        row(
            "act_sent",
            "uk",
            act={**payload("act_sent")["act"], "kind": "information_request", "statutory_period": "P15D"},
        )
    )
    assert request[0].startswith("Запит про надання інформації № ")
    assert "Строк розгляду — 15 днів з дня отримання запиту" in request[1]


def test_an_urgency_date_is_a_request_beside_the_term_never_a_second_deadline():
    act = {**payload("act_sent")["act"], "urgency_due_at": "2026-12-03T21:59:59Z"}
    text = render_email(row("act_sent", "uk", act=act))[1]
    assert "просимо вжити невідкладних заходів і поінформувати Уповноваженого до 03.12.2026" in text
    assert "Це прохання не скорочує строку, встановленого законом." in text


def test_a_letter_without_a_statutory_term_promises_none():
    act = {
        **payload("act_sent")["act"],
        "kind": "letter",
        "statutory_period": None,
        "legal_basis": "Лист не є актом реагування за ст. 15: строку, встановленого законом, немає",
    }
    text = render_email(row("act_sent", "uk", act=act, due_at=None))[1]
    assert "Строк розгляду" not in text and "188-40" not in text
    assert "строку, встановленого законом, немає" in text


def test_each_notice_kind_has_its_own_letter():
    protocol = render_email(row("protocol_notice", "uk"))
    assert "ст. 188-40 КУпАП" in protocol[0]
    assert "протокол про адміністративне правопорушення № П-17/2027 від 01.02.2027" in protocol[1]
    superior = render_email(row("escalation", "uk"))
    assert superior[0] == "Звернення щодо невиконання рекомендації Р-2026-0007"
    assert (
        "188-40" not in superior[1]
        and "Орган, якому адресовано рекомендацію: Державна установа" in superior[1]
    )
    assert "у строк 1 місяць з дня отримання цього звернення (ст. 15 Закону)" in superior[1]
    repeat = render_email(row("repeat_request", "uk"))
    assert repeat[0] == "Повторний запит щодо рекомендації Р-2026-0007"
    assert "до 23.12.2026 включно" in repeat[1]


def test_extension_letters_say_what_was_received_and_what_was_decided():
    receipt = render_email(row("extension_receipt", "uk"))
    assert "клопотання про продовження строку" in receipt[0].lower()
    assert "Це клопотання, а не відповідь по суті" in receipt[1]
    assert "До рішення діє чинний строк — до 23.12.2026 включно" in receipt[1]
    refusal = render_email(row("extension_decision", "uk"))
    assert refusal[0] == "Відмовлено в продовженні строку розгляду рекомендації Р-2026-0007"
    assert "строк 23.12.2026 сплив, просимо надати відповідь до 29.12.2026 включно" in refusal[1]


def test_overdue_has_a_version_for_the_authority_and_one_for_the_lawyer():
    authority = render_email(row("overdue", "uk"))
    lawyer = render_email(row("overdue", "uk", reply_url=None))
    assert "Просимо невідкладно надати відповідь" in authority[1] and "reply/abc" in authority[1]
    assert "reply/" not in lawyer[1] and "http://ombudsflow.test/recommendations/7" in lawyer[1]
    assert lawyer[0].startswith("Прострочено: Державна установа")


def test_payload_text_is_escaped_in_html_and_kept_in_text():
    authority = {"name": "Установа <b>«Тест»</b> & Ко", "code": "T"}
    _, text, html, _ = render_email(row("closed", "uk", authority=authority))
    assert "Установа <b>«Тест»</b> & Ко" in text
    assert "Установа &lt;b&gt;«Тест»&lt;/b&gt; &amp; Ко" in html


def test_attachments_are_read_through_the_loader_in_order():
    specs = [
        {"sha256": "a" * 64, "filename": "Подання № П-2026-0012.pdf", "content_type": "application/pdf"},
        {"sha256": "b" * 64, "filename": "фото.jpg", "content_type": "image/jpeg"},
    ]
    asked = []

    def load(spec):
        asked.append(spec["sha256"])
        return Attachment(spec["filename"], spec["content_type"], spec["sha256"][:1].encode())

    attachments = render_email(row("act_sent", "uk", attachments=specs), load)[3]
    assert [(a.filename, a.content_type, a.data) for a in attachments] == [
        ("Подання № П-2026-0012.pdf", "application/pdf", b"a"),
        ("фото.jpg", "image/jpeg", b"b"),
    ]
    assert asked == ["a" * 64, "b" * 64]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"sha256": "xyz", "filename": "a.pdf", "content_type": "application/pdf"},
            "sha256 must be a SHA-256",
        ),
        ({"sha256": "a" * 64, "filename": "../a.pdf", "content_type": "application/pdf"}, "without folders"),
        ({"sha256": "a" * 64, "filename": "a.pdf", "content_type": "pdf"}, "must be a MIME type"),
    ],
)
def test_a_broken_attachment_reference_is_a_payload_error(spec, message):
    with pytest.raises(PayloadError, match=message):
        render_email(row("reminder", attachments=[spec]), lambda spec: None)


def test_attachments_without_a_loader_are_refused():
    spec = {"sha256": "a" * 64, "filename": "a.pdf", "content_type": "application/pdf"}
    with pytest.raises(PayloadError, match="nothing to read them with"):
        render_email(row("reminder", attachments=[spec]))


def test_a_finished_message_is_sent_as_written_with_an_escaped_html_version():
    message = {
        "subject": "Подання № 01-12/0042-26\nвід 23.11.2026",
        "text": "Шановні колеги!\n\nНадсилаємо <подання>.\nДругий рядок.",
    }
    finished = SimpleNamespace(id=1, topic="document_sent", language="uk", payload={"message": message})
    subject, text, html, attachments = render_email(finished)
    assert subject == "Подання № 01-12/0042-26 від 23.11.2026"
    assert text == "Шановні колеги!\n\nНадсилаємо <подання>.\nДругий рядок.\n"
    assert '<html lang="uk">' in html and "<p>Надсилаємо &lt;подання&gt;.<br>Другий рядок.</p>" in html
    assert attachments == []
    with pytest.raises(PayloadError, match=r"message\.text"):
        render_email(SimpleNamespace(id=1, topic="x", language="uk", payload={"message": {"subject": "S"}}))


def test_topics_without_an_act_have_no_attachment():
    assert render_email(row("reminder"))[3] == []


@pytest.mark.parametrize(
    ("topic", "changes", "message"),
    [
        ("reminder", {"reply_url": None}, "payload of 'reminder' lacks reply_url"),
        ("act_sent", {"act": {"kind": "submission"}}, "lacks act.number, act.date, act.signatory, act.text"),
        ("closed", {"outcome": "done"}, "outcome is 'done', expected one of implemented"),
        ("digest", {"inbox_url": None}, "payload of 'digest' lacks inbox_url"),
    ],
)
def test_a_payload_that_breaks_the_contract_names_what_is_wrong(topic, changes, message):
    with pytest.raises(PayloadError, match=message):
        render_email(row(topic, **changes))


def test_an_unknown_topic_is_refused():
    with pytest.raises(PayloadError, match="no e-mail template for topic 'birthday'"):
        render_email(SimpleNamespace(topic="birthday", language="uk", payload={}))


def test_a_finding_category_code_is_shown_with_its_label_and_free_text_as_is():
    recommendation = {**payload("reminder")["recommendation"], "category": "material_conditions"}
    assert (
        "категорія: матеріальні умови тримання"
        in render_email(row("reminder", recommendation=recommendation))[1]
    )
    recommendation_en = {**payload("reminder", "en")["recommendation"], "category": "health_care"}
    assert "category: health care" in render_email(row("reminder", "en", recommendation=recommendation_en))[1]
    assert "категорія: умови тримання" in render_email(row("reminder"))[1]


@pytest.mark.parametrize(
    ("language", "subject", "intro"),
    [
        ("uk", "щодо рекомендацій", "Документ стосується 2 рекомендацій"),
        ("en", "on recommendations", "The document covers 2 recommendations"),
    ],
)
def test_an_act_covering_several_recommendations_names_each_in_one_letter(language, subject, intro):
    first = payload("act_sent", language)["recommendation"]
    second = {**first, "id": first["id"] + 1, "number": "Р-2026-0008", "text": "Друга рекомендація."}
    title, text, html, _ = render_email(row("act_sent", language, recommendations=[first, second]))
    assert title.endswith(f"{subject} {first['number']}, Р-2026-0008")
    for body in (text, html):
        assert intro in body and first["text"] in body and "Друга рекомендація." in body
    single_title, single_text, _, _ = render_email(row("act_sent", language, recommendations=[first]))
    assert intro.split(" 2 ")[0] not in single_text and first["number"] in single_title
