from django.urls import include, path
from rest_framework.routers import DefaultRouter

from roadmap.api import views

app_name = "api"

router = DefaultRouter()
router.register("roadmaps", views.RoadmapViewSet, basename="roadmap")
router.register("workstreams", views.WorkstreamViewSet, basename="workstream")
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("authorities", views.AuthorityViewSet, basename="authority")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("changes", views.ChangeViewSet, basename="change")

urlpatterns = [path("", include(router.urls))]
