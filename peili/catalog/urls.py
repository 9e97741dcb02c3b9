from django.urls import path

from peili.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:pk>/", views.class_detail, name="class_detail"),
    path("<int:pk>/materials/<int:material_id>/", views.material_download, name="material_download"),
    path("manage/", views.manage, name="manage"),
    path("manage/courses/new/", views.course_create, name="course_create"),
    path("manage/courses/<int:course_id>/classes/new/", views.class_create, name="class_create"),
    path("manage/<int:pk>/", views.class_setup, name="class_setup"),
    path("manage/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("manage/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("manage/<int:pk>/sessions/<int:session_id>/", views.session_edit, name="session_edit"),
    path("manage/<int:pk>/sessions/<int:session_id>/delete/", views.session_delete, name="session_delete"),
    path("manage/<int:pk>/hours/", views.hours_set, name="hours_set"),
    path("manage/<int:pk>/materials/", views.material_add, name="material_add"),
    path("manage/<int:pk>/materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    path("manage/<int:pk>/publish/", views.class_publish, name="class_publish"),
    path("manage/<int:pk>/cancel/", views.class_cancel, name="class_cancel"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/items/<int:item_id>/delete/", views.plan_item_delete, name="plan_item_delete"),
]
