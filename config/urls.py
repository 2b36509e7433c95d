from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz

# Busiest first: Django tries the patterns in order (ping, then bookings and sessions).
api_v1 = [
    path("", include("core.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("workshops.api.urls")),
    path("", include("tourism.api.urls")),
    path("host/", include("workshops.api.host_urls")),
]

# A database lost outside a view (in a middleware) is a 503 too; anything else is the usual 500.
handler500 = "core.db_unavailable.server_error"

# The API docs page loads Swagger UI from its CDN and sets inline styles; the rest
# of the site keeps the strict policy. The split view serves its init script as a file.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
api_docs = csp_update(
    {"script-src": [SWAGGER_CDN], "style-src": [SWAGGER_CDN, UNSAFE_INLINE], "img-src": [SWAGGER_CDN]}
)(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("bookings.urls")),
    path("", include("config.web_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
]

handler404 = "core.api.views.not_found"

admin.site.site_header = "Canting"
admin.site.site_title = "Canting"
