"""The django-import-export resource that reads a unit's figures into progress entries.

Each row names a plan, a target, a unit and a period end (codes, never names) and
carries a numerator, denominator, value and note. The resource

- reads the cells with the widgets of ``targets.entry.importing.widgets`` (Vietnamese
  decimal commas, dd/mm/yyyy dates, codes looked up in dicts filled once per file);
- finds the existing entry of each (target, unit, period end) in one query for the
  whole file (:class:`EntryLoader`), so an import costs no lookup per row;
- refuses, row by row, a duplicate of an earlier row, a unit outside the importer's
  reporter scope (``targets.domain.roles``), and an entry that is submitted or approved;
- skips rows whose figure cells are all empty, and rows that change nothing;
- stores through ``targets.domain.services``: new entries checked row by row
  (``entry_check_new``) and inserted together at the end (``entries_create``), edits
  row by row (``entry_update``, then ``entry_submit`` when asked). The model's
  ``full_clean()`` there, and the database constraints, are the only validation of
  the figures. A refused row becomes a
  ``ValidationError`` keyed by model field; ``targets.entry.importing.report`` turns it into
  (row, column, message).
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from targets.domain import roles, scope, services
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.entry.importing import columns
from targets.entry.importing.widgets import (
    CachedCodeWidget,
    DateWidget,
    NoteWidget,
    NumberWidget,
    code_text,
    parse_date,
)

# What a row can change, compared to decide "unchanged".
FIGURE_FIELDS = ("numerator", "denominator", "value", "note")


class TargetWidget(CachedCodeWidget):
    """A target by the row's plan code and its own code (``Target.natural_key``)."""

    def key(self, value, row):
        return (code_text((row or {}).get(columns.PLAN)), code_text(value))


class EntryLoader(BaseInstanceLoader):
    """The stored entries of every (target, unit, period end) of the file: one query
    when the import starts, then a dict lookup per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = set()
        for values in dataset or ():
            key = resource.row_key(dict(zip(dataset.headers, values, strict=False)))
            if key is not None:
                keys.add(key)
        self.entries = {}
        if not keys:
            return
        targets = {target.pk: target for target, _unit, _day in keys}
        units = {unit.pk: unit for _target, unit, _day in keys}
        found = ProgressEntry.objects.filter(
            target__in=targets, unit__in=units, period_end__in={day for *_ignored, day in keys}
        )
        for entry in found:
            # Reuse the objects the widgets hold: no join, no query per row later.
            entry.target = targets[entry.target_id]
            entry.unit = units[entry.unit_id]
            self.entries[(entry.target_id, entry.unit_id, entry.period_end)] = entry
        resource.stored_figures = {
            entry.pk: tuple(getattr(entry, name) for name in FIGURE_FIELDS)
            for entry in self.entries.values()
        }

    def get_instance(self, row):
        key = self.resource.row_key(row)
        if key is None:
            return None
        target, unit, day = key
        return self.entries.get((target.pk, unit.pk, day))


class ProgressEntryResource(resources.ModelResource):
    """Import rows into progress entries as ``user``; see the module docstring.

    ``file_name`` goes into every history reason ("Nhập từ tệp … (import)"); with
    ``submit`` each stored entry is also sent to review. ``on_row`` (optional) is
    called after each row, e.g. to advance a progress bar.
    """

    target = fields.Field(attribute="target", column_name=columns.TARGET)
    unit = fields.Field(attribute="unit", column_name=columns.UNIT)
    period_end = fields.Field(
        attribute="period_end", column_name=columns.PERIOD, widget=DateWidget()
    )
    numerator = fields.Field(
        attribute="numerator", column_name=columns.NUMERATOR, widget=NumberWidget()
    )
    denominator = fields.Field(
        attribute="denominator", column_name=columns.DENOMINATOR, widget=NumberWidget()
    )
    value = fields.Field(attribute="value", column_name=columns.VALUE, widget=NumberWidget())
    note = fields.Field(attribute="note", column_name=columns.NOTE, widget=NoteWidget())

    class Meta:
        model = ProgressEntry
        fields = ("target", "unit", "period_end", "numerator", "denominator", "value", "note")
        import_id_fields = ("target", "unit", "period_end")
        instance_loader_class = EntryLoader
        # The services run full_clean() on every row they are given (a dry run stores,
        # then rolls back): cleaning here too would run every rule twice.
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True
        # Unchanged rows are found by comparing figures (``skip_row``); no HTML diff of
        # 10,000 rows is ever shown.
        skip_diff = True
        use_transactions = True

    def __init__(self, *, user, file_name: str, submit: bool = False, on_row=None):
        super().__init__()
        self.user = user
        self.submit = submit
        self.on_row = on_row
        self.reason = _("Nhập từ tệp (import): %(file)s") % {"file": file_name}
        self.new_submit_reason = _("Nhập từ tệp và gửi duyệt (import): %(file)s") % {
            "file": file_name
        }
        self.new_entries = []
        self.units = {}
        self.targets = {}
        self.stored_figures = {}
        self.seen = {}
        self.empty_rows = []
        self.unchanged_rows = []
        self.fields["target"].widget = TargetWidget(
            Target,
            column=columns.TARGET,
            lookup=lambda: self.targets,
            missing_message=_("Không có chỉ tiêu mã “%(code)s” trong kế hoạch của dòng này."),
        )
        self.fields["unit"].widget = CachedCodeWidget(
            AdministrativeUnit,
            column=columns.UNIT,
            lookup=lambda: self.units,
            missing_message=_("Không có đơn vị mã “%(code)s”."),
        )

    # --- Reading the file ---------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Load every unit and target once, keyed by code (two queries)."""
        dataset.headers = [columns.canonical(header) for header in dataset.headers]
        self.units = {
            unit.code: unit for unit in AdministrativeUnit.objects.select_related("parent")
        }
        self.targets = {
            (target.plan.code, target.code): target
            for target in Target.objects.select_related("plan")
        }

    def row_key(self, row):
        """(target, unit, period end) of ``row``, or None when a cell cannot be read."""
        try:
            day = parse_date(row.get(columns.PERIOD))
            if day is None:
                return None
            return (self.fields["target"].clean(row), self.fields["unit"].clean(row), day)
        except (ValueError, KeyError):
            return None

    @staticmethod
    def is_empty(row) -> bool:
        """No figure and no note: a template row the reporter left alone."""
        return all(code_text(row.get(column)) == "" for column in (*columns.FIGURES, columns.NOTE))

    def import_row(self, row, instance_loader, **kwargs):
        if self.is_empty(row):
            self.empty_rows.append(kwargs["row_number"])
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
        else:
            result = super().import_row(row, instance_loader, **kwargs)
        if self.on_row is not None:
            self.on_row()
        return result

    def import_instance(self, instance, row, **kwargs):
        """Read the cells into ``instance``, then refuse what this user may not do.

        Errors are keyed by model field (``targets.entry.importing.columns.FOR_FIELD`` gives
        the column); a row with unreadable keys gets no further check.
        """
        errors = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                field.save(instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        if not errors.keys() & {"target", "unit", "period_end"} and instance.period_end:
            self._check_row(instance, kwargs["row_number"], errors)
        if errors:
            raise ValidationError(errors)

    def _check_row(self, entry, row_number, errors):
        key = (entry.target_id, entry.unit_id, entry.period_end)
        first = self.seen.setdefault(key, row_number)
        if first != row_number:
            errors[NON_FIELD_ERRORS] = [
                _(
                    "Trùng với dòng %(row)d: cùng chỉ tiêu, đơn vị và kỳ báo cáo. "
                    "Mỗi số liệu chỉ được có một dòng."
                )
                % {"row": first + 1}
            ]
            return
        if not scope.may_report(self.user, entry.target, entry.unit):
            errors["unit"] = [
                _(
                    "Đơn vị %(unit)s nằm ngoài phạm vi báo cáo của bạn: bạn không được "
                    "báo cáo chỉ tiêu %(target)s cho đơn vị này."
                )
                % {"unit": entry.unit.code, "target": entry.target.code}
            ]
            return
        if entry.pk is None:
            return
        if entry.status == ProgressEntry.Status.APPROVED:
            errors["status"] = [
                _("Số liệu kỳ này đã được duyệt nên bị khoá; cần người duyệt mở lại trước khi sửa.")
            ]
        elif roles.CHANGE not in scope.entry_permissions(self.user, entry):
            errors["status"] = [
                _(
                    "Số liệu kỳ này đang ở trạng thái “%(status)s”; chỉ sửa được số liệu "
                    "nháp hoặc bị trả lại."
                )
                % {"status": entry.get_status_display()}
            ]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing entry whose figures and note the row leaves as they are. A
        ratio target's value is derived, so only its numerator and denominator count."""
        if import_validation_errors or instance.pk is None:
            return False
        stored = dict(zip(FIGURE_FIELDS, self.stored_figures[instance.pk], strict=True))
        compared = FIGURE_FIELDS
        if instance.target.measure == Target.Measure.RATIO:
            compared = ("numerator", "denominator", "note")
        unchanged = all(getattr(instance, name) == stored[name] for name in compared)
        if unchanged:
            self.unchanged_rows.append(instance.pk)
        return unchanged

    # --- Storing ------------------------------------------------------------------

    def init_instance(self, row=None):
        return ProgressEntry()

    def save_instance(self, instance, is_create, row, **kwargs):
        """New entries are checked now and stored together after the last row
        (``after_import``); edits of existing entries are stored row by row through
        ``entry_save`` (sent to review too with ``submit``): version check and one
        history row there."""
        try:
            if is_create:
                services.entry_check_new(entry=instance, user=self.user, submit=self.submit)
                self.new_entries.append(instance)
                return
            services.entry_save(
                entry=instance,
                user=self.user,
                expected_version=instance.version,
                submit=self.submit,
                reason=self.new_submit_reason if self.submit else self.reason,
                bulk=True,
            )
        except PermissionDenied as refused:
            raise ValidationError({"unit": [str(refused)]}) from None

    def after_import(self, dataset, result, **kwargs):
        """Store the new entries in batches (a preview stores them too, then rolls
        back, so the database's constraints check them either way).

        Not ModelResource's own: it resets the id sequence for files that carry ids,
        which ours never do, and that could hand out an id a concurrent save holds."""
        if self.new_entries and not result.has_validation_errors():
            reason = self.new_submit_reason if self.submit else self.reason
            services.entries_create(entries=self.new_entries, user=self.user, reason=reason)
