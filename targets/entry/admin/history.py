"""History pages of the admin (django-simple-history), read-only and in scope.

django-simple-history answers 403 for an object the user may not see (its change page
answers 404: the difference tells that it exists), and its version page saves the old
version back on POST, bypassing the change permission (anyone who may only view
targets could revert one) and, for entries, the workflow. Here both pages answer 404
for an object outside the user's queryset, exactly as the change page does, and a
version page is for reading only.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    def _history_object(self, request, object_id):
        """The object as it stands, if it is in the user's queryset and viewable; else
        404 (missing, out of scope and malformed ids alike)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(gettext("Không tìm thấy mục này trong phạm vi của bạn."))
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._history_object(request, object_id)
        try:
            return super().history_view(request, object_id, extra_context)
        except PermissionDenied:
            raise Http404(gettext("Không tìm thấy mục này trong phạm vi của bạn.")) from None

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_object(request, object_id)
        if request.method == "POST":
            # Reading an old version is fine; saving it back is not (see the module).
            raise PermissionDenied
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except PermissionDenied:
            # The old version itself may be one the user would not open today (an
            # entry's draft, for a reviewer): nothing to show.
            raise Http404(gettext("Không tìm thấy mục này trong phạm vi của bạn.")) from None
