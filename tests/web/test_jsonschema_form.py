"""The task-form renderer: every widget the forms in bpmn/forms use, labels per language, required
marks, hints for conditional requirements, messages by field, and reading the posted form back."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from config.settings import PROJECT_ROOT
from web.forms import jsonschema_form as jf

FORMS = PROJECT_ROOT / "bpmn" / "forms"


def schema(name: str) -> dict:
    return json.loads((FORMS / f"{name}.schema.json").read_text())


@pytest.fixture
def uk(app):
    with app.test_request_context(), force_locale("uk"):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_every_field_of_every_bundled_form_gets_a_known_widget_and_a_label(uk):
    for path in sorted(FORMS.glob("*.schema.json")):
        form = jf.build(json.loads(path.read_text()), language="uk")
        assert form.title, path.name
        for field in form.fields:
            assert field.widget in jf.WIDGETS, (path.name, field.name)
            assert field.label and field.label != field.name, (path.name, field.name)


def test_draft_act_radio_textarea_and_text_in_ukrainian(uk):
    form = jf.build(schema("draft_act"), language="uk")
    assert form.title == "Підготувати акт реагування"
    assert form.description.startswith("Строк розгляду визначить")
    kind, text, signatory, signatory_id, document_id = form.fields
    assert (kind.widget, kind.label, kind.required) == ("radio", "Вид акта реагування", True)
    assert [(c.value, c.label) for c in kind.choices] == [
        ("submission", "Подання"),
        ("information_request", "Запит про надання інформації"),
        ("letter", "Лист"),
    ]
    assert (text.widget, text.min_length, text.max_length) == ("textarea", 20, 20000)
    assert (signatory.widget, signatory.label) == (
        "text",
        "Хто підписує (ім'я або посада з реєстру підписантів)",
    )
    # Carried by the step (a grouped submission's document), never typed.
    assert (signatory_id.widget, document_id.widget) == ("hidden", "hidden")


def test_english_titles_descriptions_and_choice_labels(en):
    form = jf.build(schema("draft_act"), language="en")
    assert form.title == "Draft the act of response"
    assert form.description.startswith("The reply term comes from the decision table")
    assert form.fields[0].label == "Kind of act"
    assert [c.label for c in form.fields[0].choices] == ["Submission", "Request for information", "Letter"]


def test_boolean_is_a_radio_with_the_schemas_labels_and_a_conditional_hint(uk):
    form = jf.build(schema("approve_act"), {"approved": False}, language="uk")
    approved, comment, text = form.fields
    assert (text.widget, text.required) == ("textarea", False)  # the manager may edit the text
    assert approved.widget == "radio" and approved.value == "false"
    assert [(c.value, c.label) for c in approved.choices] == [
        ("true", "Погодити і надіслати"),
        ("false", "Повернути на доопрацювання"),
    ]
    assert comment.required is False
    assert comment.required_when == ["Обов'язково, якщо «Рішення» — «Повернути на доопрацювання»."]


def test_boolean_without_labels_says_yes_and_no(en):
    form = jf.build(
        {"properties": {"ok": {"type": "boolean", "title": "Гаразд", "x-title-en": "OK"}}}, language="en"
    )
    assert form.fields[0].label == "OK"
    assert [c.label for c in form.fields[0].choices] == ["Yes", "No"]


def test_reply_form_lines_date_and_hints_for_both_branches(en):
    form = jf.build(schema("authority_reply"), {"attachments": ["a.pdf", "b.pdf"]}, language="en")
    by_name = {f.name: f for f in form.fields}
    assert by_name["attachments"].widget == "lines" and by_name["attachments"].value == "a.pdf\nb.pdf"
    assert set(by_name) == {"reply_text", "measures", "attachments"}  # the reply only: no extension
    assert by_name["reply_text"].required is True
    later = jf.build(schema("review_reply"), {}, language="en")
    assert later.field("follow_up_date").widget == "date"
    assert later.field("follow_up_date").required_when == [
        "Required when “Verify again later” is “Yes, set a date”."
    ]


def test_many_options_become_a_select_unless_the_schema_says_radio(uk):
    many = {"type": "string", "enum": [f"v{i}" for i in range(8)], "title": "Багато"}
    assert jf.widget_of(many) == "select"
    assert jf.widget_of({**many, "x-widget": "radio"}) == "radio"
    assert jf.widget_of({"type": "integer"}) == "number"
    assert jf.widget_of({"type": "string", "format": "date"}) == "date"


def test_messages_go_beside_their_field_and_the_rest_above_the_form(uk):
    errors = {
        "act_text": ["Введіть щонайменше 20 символів."],
        "attachments.1": ["Занадто довго."],
        "_form": ["Форма містить поля, яких не знає."],
    }
    form = jf.build(schema("draft_act"), {}, errors, language="uk")
    assert form.field("act_text").errors == ["Введіть щонайменше 20 символів."]
    assert form.field("act_text").described_by == "field-act_text-error"
    assert form.errors == ["Занадто довго.", "Форма містить поля, яких не знає."]
    assert form.has_errors
    reply = jf.build(schema("authority_reply"), {}, {"attachments.1": ["Занадто довго."]}, language="uk")
    assert reply.field("attachments").errors == ["Занадто довго."] and not reply.errors


def test_parse_types_the_posted_form_and_leaves_out_what_is_empty():
    posted = MultiDict(
        {
            "reply_text": "  Встановлено вентиляцію.\r\nДругий рядок.  ",
            "measures": "   ",
            "attachments": "акт.pdf\r\n\r\n  фото.jpg \r\n",
            "measures_date": "",
            "smuggled": "1",
        }
    )
    assert jf.parse(schema("authority_reply"), posted) == {
        "reply_text": "Встановлено вентиляцію.\nДругий рядок.",
        "attachments": ["акт.pdf", "фото.jpg"],
    }
    assert jf.parse(schema("approve_act"), MultiDict({"approved": "false"})) == {"approved": False}
    assert jf.parse(schema("approve_act"), MultiDict({"approved": "true"})) == {"approved": True}
    # A value that does not fit goes on as text, so that the server's validation names the field.
    assert jf.parse(schema("approve_act"), MultiDict({"approved": "maybe"})) == {"approved": "maybe"}
    numbers = {"properties": {"n": {"type": "integer"}, "x": {"type": "number"}}}
    assert jf.parse(numbers, MultiDict({"n": "12", "x": "1,5"})) == {"n": 12, "x": 1.5}
    assert jf.parse(numbers, MultiDict({"n": "twelve"})) == {"n": "twelve"}


def test_a_round_trip_shows_what_was_typed(uk):
    data = {"approved": False, "approval_comment": "Додайте посилання на норми."}
    form = jf.build(schema("approve_act"), data, language="uk")
    posted = MultiDict({f.name: f.value for f in form.fields})
    assert jf.parse(schema("approve_act"), posted) == data


def test_answers_read_as_labels(uk):
    assert jf.answer(schema("review_reply"), "outcome", "partially_implemented", "uk") == "Частково виконано"
    assert jf.answer(schema("review_reply"), "verify_later", True, "en") == "Yes, set a date"
    assert jf.answer(schema("authority_reply"), "attachments", ["a", "b"], "uk") == "a, b"


def test_dates_are_typed_and_shown_as_the_office_writes_them(uk):
    posted = MultiDict(
        {"extension_granted": "true", "extension_until": "15.01.2027", "extension_decision_note": "Так."}
    )
    data = jf.parse(schema("decide_extension"), posted)
    assert data["extension_until"] == "2027-01-15"
    assert jf.parse(schema("decide_extension"), MultiDict({"extension_until": "2027-01-15"}))[
        "extension_until"
    ] == ("2027-01-15")
    assert jf.parse(schema("decide_extension"), MultiDict({"extension_until": "3.1.2027"}))[
        "extension_until"
    ] == ("2027-01-03")
    form = jf.build(schema("decide_extension"), data, language="uk")
    assert form.field("extension_until").value == "15.01.2027"
    assert form.field("extension_until").described_by == "field-extension_until-hint"
    # A date that is not one is passed on as typed; the server's message about ISO dates is replaced
    # by one in the format people type.
    wrong = jf.parse(schema("decide_extension"), MultiDict({"extension_until": "31.02.2027"}))
    assert wrong["extension_until"] == "31.02.2027"
    form = jf.build(
        schema("decide_extension"), wrong, {"extension_until": ["Введіть коректну дату (РРРР-ММ-ДД)."]}, "uk"
    )
    assert form.field("extension_until").value == "31.02.2027"
    assert form.field("extension_until").errors == ["Введіть дату як день.місяць.рік, напр. 23.11.2026."]
