"""The legal case's pages (included at the root of the `legal` namespace). Recording pages are
keyed by a custody episode's code: the stay may have no legal case yet."""

from django.urls import path

from komar.legal import case_views as views

urlpatterns = [
    path("cases/<uuid:code>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:code>/children/", views.case_children, name="case_children"),
    path("episodes/<uuid:code>/case/", views.case_edit, name="case_edit"),
    path("episodes/<uuid:code>/orders/new/", views.order_new, name="order_new"),
    path("episodes/<uuid:code>/hearings/new/", views.hearing_new, name="hearing_new"),
    path("orders/<uuid:code>/edit/", views.order_edit, name="order_edit"),
    path("hearings/<uuid:code>/edit/", views.hearing_edit, name="hearing_edit"),
    path("episodes/<uuid:code>/applications/new/", views.application_new, name="application_new"),
    path("episodes/<uuid:code>/judgment/", views.judgment, name="judgment"),
    path("applications/<uuid:code>/decide/", views.application_decide, name="application_decide"),
]
