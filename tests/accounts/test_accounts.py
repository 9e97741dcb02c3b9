from peili.accounts.models import User
from peili.core.models import AuditEntry
from peili.org.models import Person, RoleAssignment
from tests.factories import PersonFactory


def test_admin_creates_account_assigns_scoped_role_and_links_person(client, tree, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newofficer",
            "display_name": "新承辦人",
            "email": "",
            "password": "A-long-password-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newofficer")
    assert user.check_password("A-long-password-2026")

    response = client.post(f"/accounts/users/{user.pk}/", {"role": "personnel_officer", "agency": ""})
    assert "此角色須指定範圍機關" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=user).exists()

    client.post(f"/accounts/users/{user.pk}/", {"role": "personnel_officer", "agency": tree["a"].pk})
    assert RoleAssignment.objects.get(user=user).agency == tree["a"]

    person = PersonFactory(agency=tree["a"], national_id="A123456789")
    client.post(f"/accounts/users/{user.pk}/", {"national_id": "a123456789"})
    assert Person.objects.get(pk=person.pk).user == user
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "accounts.user_create",
        "accounts.role_assign",
        "accounts.user_link_person",
    ]


def test_linking_a_person_held_by_another_account_is_refused(client, tree, admin_user, learner):
    client.force_login(admin_user)
    other = User.objects.create_user("other", password="x")
    held = Person.objects.get(user=learner)
    response = client.post(f"/accounts/users/{other.pk}/", {"national_id": held.national_id})
    assert "這位人員已連結其他帳號" in response.content.decode()
    assert Person.objects.get(pk=held.pk).user == learner


def test_duplicate_role_is_refused_with_message(client, tree, admin_user, officer):
    client.force_login(admin_user)
    response = client.post(f"/accounts/users/{officer.pk}/", {"role": "personnel_officer", "agency": tree["a"].pk})
    assert "此帳號已具有相同範圍的這個角色" in response.content.decode()
    assert RoleAssignment.objects.filter(user=officer).count() == 1


def test_revoking_a_role_is_audited(client, tree, admin_user, officer):
    client.force_login(admin_user)
    assignment = RoleAssignment.objects.get(user=officer)
    client.post(f"/accounts/users/{officer.pk}/roles/{assignment.pk}/revoke/")
    assert not RoleAssignment.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(action="accounts.role_revoke")
    assert entry.before == {"user": "officer", "role": "personnel_officer", "agency": tree["a"].code}


def test_admin_deactivates_and_reactivates_an_account(client, tree, admin_user, learner):
    client.force_login(admin_user)
    client.post(f"/accounts/users/{learner.pk}/toggle-active/")
    learner.refresh_from_db()
    assert learner.is_active is False
    assert AuditEntry.objects.get(action="accounts.user_set_active").after == {"is_active": False}
    client.post(f"/accounts/users/{learner.pk}/toggle-active/")
    learner.refresh_from_db()
    assert learner.is_active is True


def test_admin_cannot_deactivate_themself(client, admin_user):
    client.force_login(admin_user)
    client.post(f"/accounts/users/{admin_user.pk}/toggle-active/")
    admin_user.refresh_from_db()
    assert admin_user.is_active is True
    assert not AuditEntry.objects.exists()


def test_user_changes_own_password(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "A-new-long-password-2026",
            "new_password2": "A-new-long-password-2026",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("A-new-long-password-2026")
    assert AuditEntry.objects.get(action="accounts.user_password_change").actor == learner


def test_password_change_rejects_wrong_old_password(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "nope",
            "new_password1": "A-new-long-password-2026",
            "new_password2": "A-new-long-password-2026",
        },
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.check_password("correct-horse-battery")


def test_page_permission_checks_do_not_query_django_model_permissions(client, tree, learner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(learner)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not [q for q in ctx.captured_queries if "auth_permission" in q["sql"]]


# -- characters in IDs and names (issue 11, item 12) --------------------------------------------------


def test_linking_by_an_id_with_an_arabic_indic_digit_is_refused_with_the_reason(client, tree, admin_user):
    client.force_login(admin_user)
    user = User.objects.create_user("linkme", password="x")
    person = PersonFactory(agency=tree["a"], national_id="A123456789")
    response = client.post(f"/accounts/users/{user.pk}/", {"national_id": "A12345678\u0669"})
    assert "身分證字號只能有英文字母與數字 0 至 9，不能有 「\u0669」（U+0669）。" in response.content.decode()
    assert Person.objects.get(pk=person.pk).user is None
    assert not AuditEntry.objects.filter(action="accounts.user_link_person").exists()


def test_linking_by_a_full_width_id_finds_the_person(client, tree, admin_user):
    client.force_login(admin_user)
    user = User.objects.create_user("linkwide", password="x")
    person = PersonFactory(agency=tree["a"], national_id="A123456789")
    client.post(f"/accounts/users/{user.pk}/", {"national_id": "Ａ１２３４５６７８９"})
    assert Person.objects.get(pk=person.pk).user == user


def test_a_display_name_with_a_right_to_left_override_is_refused(client, tree, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/accounts/users/new/",
        {"username": "rtl", "display_name": "王\u202e明", "email": "", "password": "A-long-password-2026"},
    )
    assert response.status_code == 200
    assert "顯示名稱含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。" in (
        response.content.decode()
    )
    assert not User.objects.filter(username="rtl").exists()
