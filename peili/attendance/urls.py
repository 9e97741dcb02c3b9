from django.urls import path

from peili.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.certification, name="certification"),
    path("portal-file/", views.portal_file, name="portal_file"),
    path("uploaded/", views.mark_uploaded, name="mark_uploaded"),
    path("classes/<int:pk>/", views.class_attendance, name="class"),
    path("classes/<int:pk>/close/", views.close, name="close"),
    path("completions/<int:completion_id>/correct/", views.correct, name="correct"),
    path("sessions/<int:session_id>/", views.roster, name="roster"),
    path("sessions/<int:session_id>/screen/<str:kind>/", views.screen, name="screen"),
    path("s/<str:token>/", views.scan, name="scan"),
    path("check/<str:ticket>/", views.check, name="check"),
    path("code/", views.code, name="code"),
]
