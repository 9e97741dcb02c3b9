from datetime import date

from django.core.cache import cache

from peili.core.forms import ROCDateField
from peili.core.models import AuditEntry, CalendarOverride
from tests.factories import UserFactory


def test_security_headers(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_login_is_throttled_after_repeated_failures(client, db, settings):
    cache.clear()
    UserFactory(username="target")
    for _ in range(settings.PEILI_LOGIN_MAX_FAILURES):
        response = client.post("/accounts/login/", {"username": "target", "password": "wrong-password"})
        assert "帳號或密碼不正確" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "target", "password": "correct-horse-battery"})
    assert "登入失敗次數過多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    response = client.post("/accounts/login/", {"username": "target", "password": "correct-horse-battery"})
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2(db):
    user = UserFactory()
    assert user.password.startswith("argon2")


def test_default_language_is_traditional_chinese(client, db):
    response = client.get("/accounts/login/")
    assert '<html lang="zh-Hant-TW">' in response.content.decode()
    assert "登入培力" in response.content.decode()


def test_roc_date_field_reads_roc_and_shows_roc():
    field = ROCDateField()
    assert field.clean("115年9月2日") == date(2026, 9, 2)
    assert field.widget.format_value(date(2026, 9, 2)) == "115/09/02"


def test_roc_date_field_error_is_chinese():
    import pytest
    from django import forms

    with pytest.raises(forms.ValidationError) as caught:
        ROCDateField().clean("115/02/30")
    assert "該月沒有第 30 日" in caught.value.messages[0]


def test_calendar_override_through_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/calendar/", {"day": "115/09/02", "kind": "day_off", "reason": "颱風停止上班"})
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.date == date(2026, 9, 2)
    entry = AuditEntry.objects.get(action="core.calendar_override_set")
    assert entry.after == {"date": "2026-09-02", "kind": "day_off", "reason": "颱風停止上班"}
    page = client.get("/audit/").content.decode()
    assert "core.calendar_override_set" in page


def test_working_calendar_selector_applies_overrides(db):
    from peili.core.selectors import working_calendar

    CalendarOverride.objects.create(date=date(2026, 11, 24), kind="day_off", reason="颱風")
    assert working_calendar().nth_working_day_after(date(2026, 11, 23), 1) == date(2026, 11, 25)
