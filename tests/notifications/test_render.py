"""What a recipient reads, without SMTP: subjects, texts, plurals, Kyiv dates, the act as a PDF."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from notifications.formatting import format_date, format_datetime, plural
from notifications.render import render_email
from notifications.topics import TOPICS, PayloadError

from .payloads import payload


def row(topic, language="uk", **changes):
    return SimpleNamespace(id=42, topic=topic, language=language, payload=payload(topic, language, **changes))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


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
    assert f"через {uk} " in render_email(row("reminder", "uk", days_left=days))[1]
    assert f"прострочено на {uk}." in render_email(row("overdue", "uk", days_overdue=days))[1]


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


def test_submission_cites_article_15_and_protocol_cites_article_188_40():
    text = render_email(row("act_sent", "uk"))[1]
    assert "статті 15 Закону України «Про Уповноваженого Верховної Ради України з прав людини»" in text
    assert "у місячний строк" in text
    request = render_email(
        row("act_sent", "uk", act={**payload("act_sent")["act"], "kind": "information_request"})
    )
    assert "статті 15" not in request[1] and request[0].startswith("Запит про надання інформації № ")
    protocol = render_email(row("escalation", "uk"))
    assert (
        "ст. 188-40 КУпАП" in protocol[0]
        and "статтею 188-40 Кодексу України про адміністративні" in protocol[1]
    )
    superior = render_email(
        row("escalation", "uk", escalation={"kind": "superior_authority", "reason": "Немає"})
    )
    assert (
        "188-40" not in superior[1]
        and "Орган, якому адресовано рекомендацію: Державна установа" in superior[1]
    )


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


def test_the_act_goes_along_as_a_pdf_with_its_number_and_title():
    attachments = render_email(row("act_sent", "uk"))[3]
    [pdf] = attachments
    assert pdf.filename == "Подання № П-2026-0012.pdf" and pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    text = pdf_text(pdf.data)
    for expected in (
        "ПОДАННЯ",
        "№ П-2026-0012 від 23.11.2026",
        "УПОВНОВАЖЕНИЙ ВЕРХОВНОЇ РАДИ УКРАЇНИ",
        "Дмитро ЛУБІНЕЦЬ",
        "Рекомендація Р-2026-0007",
        "Строк розгляду: до 23.12.2026.",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("kind", "language", "title"),
    [
        ("information_request", "uk", "ЗАПИТ ПРО НАДАННЯ ІНФОРМАЦІЇ"),
        ("letter", "uk", "ЛИСТ"),
        ("submission", "en", "SUBMISSION"),
        ("information_request", "en", "REQUEST FOR INFORMATION"),
    ],
)
def test_the_pdf_title_follows_the_kind_of_act_and_the_language(kind, language, title):
    act = {**payload("act_sent", language)["act"], "kind": kind}
    [pdf] = render_email(row("act_sent", language, act=act))[3]
    assert title in pdf_text(pdf.data)


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
