from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contracts import api as contracts_api
from performance import api as performance_api
from transformation import api as transformation_api
from trust_portal import errors
from trust_portal.accounts import api as accounts_api
from trust_portal.accounts import two_factor
from trust_portal.accounts.models import Role
from trust_portal.api import Router
from trust_portal.dashboards import api as dashboards_api
from trust_portal.dashboards import urls as dashboards_urls
from workforce import api as workforce_api


def _administrators_only(request):
    # Django's admin checks is_staff; here it must also be an active administrator, who has
    # given their second factor where one is owed (as TwoFactorMiddleware also insists).
    user = request.user
    is_admin = user.is_active and user.is_staff and user.role == Role.ADMINISTRATOR
    return is_admin and two_factor.still_to_give(request) is None


admin.site.has_permission = _administrators_only
admin.site.site_header = "Trust Portal reference data"
admin.site.site_title = "Trust Portal"
admin.site.site_url = "/"


# Every app declares its API routes; they are routed here, in the order the index at /api/v1/
# lists them.
router = Router()
for routes in (
    contracts_api.routes,
    transformation_api.routes,
    performance_api.routes,
    accounts_api.routes,
    dashboards_api.routes,
    workforce_api.routes,
):
    router.register_routes(routes)


def page(template):
    return TemplateView.as_view(template_name=template)


pages = (
    [
        path("privacy/", page("pages/privacy.html"), name="privacy"),
        path("cookies/", page("pages/cookies.html"), name="cookies"),
        path("accessibility/", page("pages/accessibility.html"), name="accessibility"),
    ],
    "pages",
)

urlpatterns = [
    path("", include("trust_portal.accounts.urls")),
    path("", include(pages)),
    path("", include("trust_portal.outbox.urls")),
    path("", include("trust_portal.webhooks.urls")),
    path("", include("performance.urls")),
    path("", include("contracts.urls")),
    path("", include("transformation.urls")),
    path("", include("workforce.urls")),
    path("", include("trust_portal.dashboards.urls")),
    path("", include((dashboards_urls.packs_urlpatterns, "packs"))),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
