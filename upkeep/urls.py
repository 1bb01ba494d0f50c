from django.urls import path

from . import views

app_name = "upkeep"

urlpatterns = [
    path("resources/<slug:slug>/report/", views.report_problem, name="report-problem"),
    path(
        "resources/<slug:slug>/report/thanks/",
        views.report_problem_thanks,
        name="report-problem-thanks",
    ),
]
