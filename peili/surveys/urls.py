from django.urls import path

from peili.surveys.views import answer, builder, reflections, results

app_name = "surveys"
urlpatterns = [
    # Learners: their open surveys and reflections; answering.
    path("", answer.mine, name="mine"),
    path("<int:survey_id>/", answer.answer, name="answer"),
    # Organizers: templates, defaults and a class's survey setup.
    path("templates/", builder.template_list, name="templates"),
    path("templates/new/", builder.template_create, name="template_create"),
    path("templates/<int:pk>/", builder.template_detail, name="template"),
    path("templates/<int:pk>/sections/", builder.section_add, name="section_add"),
    path("templates/<int:pk>/sections/<str:key>/", builder.section_edit, name="section_edit"),
    path("templates/<int:pk>/questions/", builder.question_add, name="question_add"),
    path("templates/<int:pk>/questions/<str:key>/", builder.question_edit, name="question_edit"),
    path("defaults/", builder.defaults, name="defaults"),
    path("classes/<int:class_id>/setup/", builder.class_setup, name="class_setup"),
    # Reflections: the learner writes, the organizer reviews.
    path("classes/<int:class_id>/reflection/", reflections.write, name="reflection"),
    path("classes/<int:class_id>/reflections/", reflections.review_list, name="reflections"),
    path("reflections/<int:pk>/", reflections.review, name="reflection_review"),
    # Results.
    path("results/", results.index, name="results"),
    path("classes/<int:class_id>/results/", results.class_results, name="class_results"),
    path("courses/<int:course_id>/results/", results.course_results, name="course_results"),
    path("instructors/<int:instructor_id>/results/", results.instructor_results, name="instructor_results"),
    path("bodies/<str:code>/results/", results.body_results, name="body_results"),
]
