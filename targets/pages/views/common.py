"""What every manager page view shares: the plan and date, the manager's scope, and
the table pages' rows computed once per request (the page and its download share
them)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from targets.domain.models import Plan
from targets.domain.scope import read_scope
from targets.pages.exports import TableExportMixin
from targets.pages.forms import read_period

MAX_PER_PAGE = 200


class PageSizePaginator(Paginator):
    """django-tables2 passes ``?per_page=`` on as it comes: a page size below 1 (``-1``)
    made the paginator fail (a server error), a huge one would render every row. Kept
    within 1 – :data:`MAX_PER_PAGE`."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


class ManagerPageMixin(TableExportMixin):
    """Reads the scope and the period before the page runs (``resolve`` then finds the
    object the page is about, or answers 404); the table's rows are the page builder's,
    computed once per request."""

    table_pagination = {"per_page": 25, "paginator_class": PageSizePaginator}

    def dispatch(self, request, *args, **kwargs):
        self.scope = read_scope(request.user)
        plans = list(Plan.objects.all())
        url_plan = None
        if "plan" in kwargs:
            url_plan = next((p for p in plans if p.code == kwargs["plan"]), None)
            if url_plan is None:
                raise Http404(_("Không có kế hoạch này."))
        self.period = read_period(request.GET, plans, plan=url_plan)
        if self.period.plan is None:
            raise Http404(_("Chưa có kế hoạch nào."))
        self.resolve(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def resolve(self, **kwargs):
        """Find what the page is about from the URL (a target, a unit), or raise 404."""

    def build(self):
        """The page builder's result for this request."""
        raise NotImplementedError

    @property
    def built(self):
        if not hasattr(self, "_built"):
            self._built = self.build()
        return self._built

    def get_table_data(self):
        return list(self.rows())

    def rows(self):
        return self.built

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, scope=self.scope, **kwargs)
