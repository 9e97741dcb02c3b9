from django.urls import path

from peili.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("classes/<int:class_id>/register/", views.register, name="register"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("consents/", views.consents, name="consents"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("consent/<str:token>/", views.consent_link, name="consent_link"),
    path("nominate/", views.nominate, name="nominate"),
    path("<int:pk>/substitute/", views.substitute, name="substitute"),
    path("classes/<int:class_id>/roster/", views.roster, name="roster"),
    path("classes/<int:class_id>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("classes/<int:class_id>/sign-in/", views.signin_sheet, name="signin_sheet"),
]
