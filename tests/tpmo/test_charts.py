"""Charts: the cost/schedule scatter (geometry, clamping, its SVG) and the line chart's scale."""

from __future__ import annotations

from django.test.html import parse_html

from tpmo.charts import scatter_chart


def test_points_sit_on_equal_axes_with_values_beyond_clamped_to_the_edge():
    chart = scatter_chart(
        "CPI and SPI", [("PAY", 1.0, 1.0), ("CHK", 0.75, 1.25), ("ODD", 9.0, 0.1)]
    )

    assert [(p.cx, p.cy) for p in chart.points] == [(180.0, 180.0), (105.0, 105.0), (330.0, 330.0)]
    assert (chart.guide_x, chart.guide_y) == (180.0, 180.0)


def test_the_points_svg_gives_each_point_its_place_values_and_an_escaped_label():
    chart = scatter_chart("CPI and SPI", [("PAY", 0.9512, 1.1), ("<b>R&D</b>", 0.75, 1.25)])

    assert parse_html(chart.points_svg) == parse_html(
        '<circle cx="165.4" cy="150.0" r="4" class="point">'
        "<title>PAY: CPI 0.95, SPI 1.10</title></circle>"
        '<circle cx="105.0" cy="105.0" r="4" class="point">'
        "<title>&lt;b&gt;R&amp;D&lt;/b&gt;: CPI 0.75, SPI 1.25</title></circle>"
    )


def test_a_line_chart_states_its_scale_from_zero_to_its_maximum():
    from django.template.loader import render_to_string

    from tpmo.charts import line_chart

    chart = line_chart("Rate", ["1 Jun", "8 Jun"], [("Rate", "series-kpi", [40, 80])])

    svg = render_to_string("_components/line_chart.html", {"chart": chart, "id": "rate"})

    assert '<text x="26" y="16" class="axis-label">80</text>' in svg
    assert '<text x="26" y="172" class="axis-label">0</text>' in svg
    assert 'points="24.0,100.0 616.0,24.0"' in svg  # 40 halfway up, 80 at the top
