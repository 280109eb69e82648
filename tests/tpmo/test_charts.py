"""The scatter chart of cost and schedule efficiency: geometry, clamping and its SVG."""

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
