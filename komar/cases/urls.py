from django.urls import path

from komar.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.mother_register, name="mother_register"),
    path("<uuid:code>/edit/", views.mother_edit, name="mother_edit"),
    path("<uuid:code>/custody/", views.episode_edit, name="episode_edit"),
    path("<uuid:code>/admit/", views.mother_admit, name="mother_admit"),
    path("<uuid:code>/transfer/", views.mother_transfer, name="mother_transfer"),
    path("<uuid:code>/release/", views.mother_release, name="mother_release"),
    path("<uuid:code>/children/new/", views.child_add, name="child_add"),
    path("<uuid:code>/birth/", views.mother_birth, name="mother_birth"),
    path("<uuid:code>/consents/new/", views.consent_add, name="consent_add"),
    path("consents/<uuid:code>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("children/<uuid:code>/edit/", views.child_edit, name="child_edit"),
    path("children/<uuid:code>/move/", views.child_move, name="child_move"),
    path("<uuid:code>/refer/", views.referral_new, name="referral_new"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/request/", views.referral_request, name="referral_request"),
    path("referrals/<uuid:code>/", views.referral_detail, name="referral_detail"),
    path("<uuid:code>/assign/", views.mother_assign, name="mother_assign"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("caseload/", views.caseload, name="caseload"),
    path("<uuid:code>/close/", views.closure_new, name="closure_new"),
    path("<uuid:code>/reopen/", views.mother_reopen, name="mother_reopen"),
    path("closures/", views.closure_list, name="closure_list"),
    path("closures/<uuid:code>/", views.closure_detail, name="closure_detail"),
]
