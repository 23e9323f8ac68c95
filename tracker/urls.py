from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tracker.health import healthz

admin.site.site_header = "Theo dõi chỉ tiêu chuyển đổi số Hải Phòng"
admin.site.site_title = "Chuyển đổi số Hải Phòng"
admin.site.index_title = "Quản trị và nhập số liệu"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("targets.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
