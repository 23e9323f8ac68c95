"""The legends of the drawings, one wording for the web pages and the status report's PDF
and DOCX (``targets.reports`` imports this module, which imports nothing of the project)."""

from django.utils.translation import gettext_lazy

# One wording of the progress-bar legend, for the web pages and the PDF report
# (the reports import it): both draw the target as a solid black mark and
# the figure expected by the date as a dashed one.
BAR_LEGEND = gettext_lazy(
    "Thanh màu: số liệu, tô màu theo tình trạng; vạch đen liền: mục tiêu; vạch đứt: mức "
    "cần đạt theo tiến độ đến ngày tính số liệu."
)
LOWER_IS_BETTER_LEGEND = gettext_lazy(
    "Chỉ tiêu “càng nhỏ càng tốt” (như thứ hạng) được vẽ ngược lại để phía tốt luôn là "
    "bên phải, phía trên: thanh càng dài càng gần mục tiêu, khoảng trống đến vạch mục tiêu "
    "là khoảng còn thiếu."
)
