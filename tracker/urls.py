from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from targets.pages.language import set_language
from tracker.health import healthz

admin.site.site_header = _("Theo dõi chỉ tiêu chuyển đổi số Hải Phòng")
admin.site.site_title = _("Chuyển đổi số Hải Phòng")
admin.site.index_title = _("Quản trị và nhập số liệu")


@login_not_required
def favicon(request):
    """Pages name their icon; browsers ask for /favicon.ico after any response that does
    not (a download, a bare error page)."""
    return HttpResponseRedirect(static("targets/favicon.svg"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher works before logging in too (the login page has it); for a
    # logged-in person it also stores the choice on the account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Before the pages: their last pattern takes any two path segments.
    path("api/v1/", include("targets.api.urls")),
    path("", include("targets.urls")),
]
# No /media/ URL, even in debug: evidence files are served by targets.pages.evidence.download,
# which checks the reader's scope.
