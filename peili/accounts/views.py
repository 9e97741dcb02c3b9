from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peili.accounts import selectors, services
from peili.accounts.codes import Action
from peili.accounts.forms import LinkPersonForm, RoleAssignForm, ThrottledAuthenticationForm, UserCreateForm
from peili.core import audit
from peili.core.pages import perform, read_for_page, submit
from peili.core.permissions import PUBLIC, requires

login = requires(PUBLIC)(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=ThrottledAuthenticationForm,
        redirect_authenticated_user=True,
    )
)
logout = requires(PUBLIC)(auth_views.LogoutView.as_view())


class _PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(actor=self.request.user, action=Action.USER_PASSWORD_CHANGE, target=self.request.user)
        return response


password_change = requires("accounts.signed_in")(_PasswordChangeView.as_view())


@requires("accounts.signed_in")
def password_changed(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("密碼已變更。"))
    return redirect("reports:home")


@require_POST
@requires("accounts.manage_users")
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = read_for_page(selectors.account_by_id, pk)
    if account.pk == request.user.pk:
        messages.error(request, _("不能停用自己的帳號。"))
    else:
        services.user_set_active(user=account, active=not account.is_active, actor=request.user)
        messages.success(request, _("已啟用帳號。") if account.is_active else _("已停用帳號。"))
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage_users")
def users(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = selectors.users_search(q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page": page, "q": q})


@requires("accounts.manage_users")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = submit(
            request,
            form,
            lambda: services.user_create(**form.cleaned_data, actor=request.user),
            _("已建立帳號。"),
            field="username",
        )
        if user is not None:
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@requires("accounts.manage_users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = read_for_page(selectors.account_by_id, pk)
    link_form = LinkPersonForm()
    form = RoleAssignForm(request.POST if "role" in request.POST else None)
    if "national_id" in request.POST:
        link_form = LinkPersonForm(request.POST)
        if link_form.is_valid():
            linked = submit(
                request,
                link_form,
                lambda: services.user_link_person(
                    user=account, national_id=link_form.cleaned_data["national_id"], actor=request.user
                ),
                _("已連結人員。"),
                field="national_id",
            )
            if linked is not None:
                return redirect("accounts:user_detail", pk=pk)
    elif request.method == "POST" and form.is_valid():
        assigned = submit(
            request,
            form,
            lambda: services.role_assign(
                user=account,
                role=form.cleaned_data["role"],
                agency=form.cleaned_data["agency"],
                actor=request.user,
            ),
            _("已指派角色。"),
        )
        if assigned is not None:
            return redirect("accounts:user_detail", pk=pk)
    assignments = selectors.account_assignments(account)
    person = selectors.account_person(account)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "form": form,
            "link_form": link_form,
            "assignments": assignments,
            "person": person,
        },
    )


@require_POST
@requires("accounts.manage_users")
def role_revoke(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    perform(request, lambda: services.role_revoke(assignment_id=assignment_id, actor=request.user), _("已移除角色。"))
    return redirect("accounts:user_detail", pk=pk)
