"""Chart geometry: round ticks, rank axes with whole numbers and 1 at the top, bars of
"lower is better" targets that read the same way as the others (issue 15)."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from targets.domain.progress import Figure, figure_series
from targets.domain.status import Status
from targets.pages.charts import line_chart, nice_step, nice_ticks, progress_bar
from targets.pages.legends import BAR_LEGEND
from targets.reports import export_report_pdf, gather_report

DEC = datetime.date(2022, 12, 31)
ROUND = {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}


def mantissa(step: Decimal) -> Decimal:
    """``step`` divided by its power of ten: 2.5 for 250, 5 for 0.05."""
    return (step / Decimal(10) ** step.adjusted()).normalize()


@given(
    high=st.decimals(min_value="0.01", max_value="5000000", places=2),
    whole=st.booleans(),
)
def test_ticks_are_round_numbers_covering_the_range(high, whole):
    ticks = nice_ticks(0, high, whole=whole)
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced
    (step,) = steps
    assert mantissa(step) in ROUND
    assert ticks[0] == 0 and ticks[-1] >= high
    assert len(ticks) <= 7
    if whole:
        assert all(t == t.to_integral_value() for t in ticks)


def test_the_messy_ticks_of_the_issue_are_gone():
    """Ticks at 7,56 / 15,11 / 22,67 came from quarters of the top figure."""
    assert nice_ticks(0, Decimal("22.67")) == [0, 5, 10, 15, 20, 25]
    assert nice_step(Decimal(14), whole=True) == 5  # not 2.5 for a rank
    assert nice_step(Decimal("3.5"), whole=True) == 1  # never a fractional rank


@pytest.mark.django_db
def test_rank_chart_has_whole_ticks_with_one_at_the_top(target, unit, make_entry):
    dti = target("DTI-01")
    make_entry(dti, unit("31"), value=14)
    series = figure_series(dti, DEC)
    with translation.override("vi"):
        chart = line_chart(dti, series, DEC)
    labels = [tick.label for tick in chart.y_ticks]
    assert labels[0] == "1"
    assert all(label.isdigit() for label in labels)  # no 3,50
    positions = [float(tick.position) for tick in chart.y_ticks]
    assert positions == sorted(positions)  # 1 at the top, worse ranks below
    assert float(chart.target_y) < float(chart.points[-1].y)  # the target (10) above 14


@pytest.mark.django_db
def test_rank_bar_grows_toward_the_target(target):
    dti = target("DTI-01")  # ≤ 10
    behind = progress_bar(Figure(target=dti, as_of=DEC, value=Decimal(14), status=Status.MISSED))
    ahead = progress_bar(Figure(target=dti, as_of=DEC, value=Decimal(8), status=Status.ACHIEVED))
    assert behind.reversed
    share = lambda text: float(text.rstrip("%"))  # noqa: E731
    assert share(behind.fill) < share(behind.target_mark)  # not full and red
    assert share(ahead.fill) > share(ahead.target_mark)
    assert share(behind.fill) < share(ahead.fill)


@pytest.mark.django_db
def test_chart_has_a_narrow_drawing_for_phones(target):
    cqs = target("CQS-03c")
    with translation.override("vi"):
        wide = line_chart(cqs, [], DEC, "wide")
        narrow = line_chart(cqs, [], DEC, "narrow")
    assert narrow.width < 400 < wide.width
    assert len(narrow.x_ticks) <= 3


@pytest.mark.django_db
def test_web_and_pdf_share_the_legend_wording(manager_client, plan):
    with translation.override("vi"):
        legend = str(BAR_LEGEND)
        pdf = export_report_pdf(gather_report(plan, as_of=DEC, within=None))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "vạch đen liền: mục tiêu" in text
    assert "vạch đứt: mức cần đạt theo tiến độ" in text
    dashboard = manager_client.get("/?plan=kh74-2022&as_of=2022-12-31").content.decode()
    assert legend in dashboard


@pytest.mark.django_db
def test_unit_page_draws_the_trend_of_a_target(manager_client, target, unit, make_entry):
    cqs = target("CQS-03c")
    for month in (10, 11, 12):
        day = datetime.date(2022, month, 30 if month == 11 else 31)
        make_entry(cqs, unit("11329"), day, numerator=month, denominator=100)
    response = manager_client.get("/don-vi/11329/?plan=kh74-2022&as_of=2022-12-31")
    assert response.context["trend"] == cqs
    assert len(response.context["charts"][0].points) == 3
    html = response.content.decode()
    assert '<title id="chart-wide-title">' in html and 'class="chart-narrow"' in html
    unknown = manager_client.get("/don-vi/11329/?plan=kh74-2022&as_of=2022-12-31&trend=<b>")
    assert unknown.status_code == 200 and unknown.context["trend"] == cqs


SEP = datetime.date(2022, 9, 30)


def unchanged_milestone(target):
    """CQS-05 (a milestone, quarterly) not done in December, as in September."""
    from targets.domain.freshness import Freshness

    cqs = target("CQS-05")
    figure = Figure(target=cqs, as_of=DEC, value=Decimal(0), last_period=DEC)
    figure.status = Status.MISSED
    figure.freshness = Freshness(figure, Figure(target=cqs, as_of=SEP, value=Decimal(0)))
    return figure


@pytest.mark.django_db
def test_bar_caption_writes_the_change_mark_after_the_figure_not_the_target(target):
    """ "Chưa đạt [=], mục tiêu Đạt": the no-change mark follows the figure; the target,
    written last, is never followed by it ("mục tiêu Đạt =")."""
    with translation.override("vi"):
        bar = progress_bar(unchanged_milestone(target))
    assert bar.label == "Chưa đạt, mục tiêu Đạt"  # the bar's name in words, no mark
    assert bar.caption.startswith('Chưa đạt <span class="change same"')
    assert bar.caption.endswith("</span></span>, mục tiêu Đạt")
    assert bar.caption.count('class="change') == 1


@pytest.mark.django_db
def test_bar_caption_escapes_what_it_writes(target):
    cqs = target("CQS-03c")
    cqs.comparator = "lt"  # written "<": escaped in the caption, plain in the label
    bar = progress_bar(Figure(target=cqs, as_of=DEC, value=Decimal(12), status=Status.PENDING))
    assert "&lt; 30,00%" in bar.caption and "< 30,00%" in bar.label


@pytest.mark.django_db
def test_dashboard_bar_shows_the_change_mark_after_the_figure(
    manager_client, target, unit, make_entry
):
    cqs = target("CQS-05")
    make_entry(cqs, unit("31"), SEP, value=0)
    make_entry(cqs, unit("31"), DEC, value=0)
    html = manager_client.get("/?plan=kh74-2022&as_of=2022-12-31").content.decode()
    label = re.search(r'<p class="bar-label">Chưa đạt <span class="change same".*?</p>', html)
    assert label, "the unchanged milestone's bar label"
    assert "</span></span>, mục tiêu Đạt ·" in label.group()
    assert "mục tiêu Đạt <span" not in html


# The drawings' font sizes (tracker.css) and a generous width of a sans-serif's glyphs
# (DejaVu Sans: digits 0,64 em, letters at most 0,7 em, a space or a point 0,32 em).
FONT_SIZE = {"wide": 11, "narrow": 12.5}


def label_width(text: str, size: str) -> float:
    narrow = sum(0.32 for c in text if c in " .,")
    return (narrow + 0.7 * sum(1 for c in text if c not in " .,")) * FONT_SIZE[size]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("vi", ["Chưa đạt", "Đạt"]), ("en", ["Not done", "Done"])]
)
def test_milestone_chart_axis_is_not_done_and_done(target, unit, make_entry, language, words):
    """Two ticks, in words, "Chưa đạt" at the bottom and "Đạt" at the top (not 0–0,2–…–1),
    with room for the words left of the plot (6 units from it) in both drawings."""
    cqs = target("CQS-05")
    make_entry(cqs, unit("31"), SEP, value=0)
    make_entry(cqs, unit("31"), DEC, value=1)
    series = figure_series(cqs, DEC)
    with translation.override(language):
        for size in ("wide", "narrow"):
            chart = line_chart(cqs, series, DEC, size)
            assert [tick.label for tick in chart.y_ticks] == words
            bottom, top = (float(tick.position) for tick in chart.y_ticks)
            assert top < bottom  # done is up
            assert {p.y for p in chart.points} == {f"{top:.1f}", f"{bottom:.1f}"}
            assert chart.left - 6 >= label_width(words[0], size)


@pytest.mark.django_db
def test_percentage_chart_has_round_percent_ticks(target, unit, make_entry):
    cqs = target("KTS-01")  # ≥ 10 %, one figure for the city
    make_entry(cqs, unit("31"), DEC, value=Decimal("29.48"))
    with translation.override("vi"):
        chart = line_chart(cqs, figure_series(cqs, DEC), DEC)
    assert [tick.label for tick in chart.y_ticks] == ["0%", "10%", "20%", "30%"]


@pytest.mark.django_db
def test_a_fall_below_zero_stays_inside_the_chart(target, unit, make_entry):
    """A growth rate that fell (KTS-03, −3,5 %): the axis goes below 0, every point is
    inside the plot."""
    kts = target("KTS-03")
    make_entry(kts, unit("31"), DEC, value=Decimal("-3.5"))
    with translation.override("vi"):
        chart = line_chart(kts, figure_series(kts, DEC), DEC)
    assert chart.y_ticks[0].label.startswith("-")  # the bottom tick
    assert chart.points and all(
        chart.top <= float(p.y) <= chart.bottom and chart.left <= float(p.x) <= chart.right
        for p in chart.points
    )


@pytest.mark.django_db
def test_value_axis_leaves_room_for_long_numbers(target):
    """A count in millions: its longest tick label fits left of the plot."""
    cqs = target("CQS-02")
    cqs.measure, cqs.target_value = "count", Decimal(4_500_000)
    with translation.override("vi"):
        for size in ("wide", "narrow"):
            chart = line_chart(cqs, [], DEC, size)
            assert re.fullmatch(r"\d\.000\.000", chart.y_ticks[-1].label)  # grouped
            widest = max(label_width(tick.label, size) for tick in chart.y_ticks)
            assert chart.left - 6 >= widest
