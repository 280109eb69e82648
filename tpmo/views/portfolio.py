"""Director pages (directors and TPMO admins; other roles get 403)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from programs.forms import PeriodChoiceForm
from tpmo.datastate import remembered
from tpmo.exports import FORMATS, Column, export_response
from tpmo.finance import portfolio_finance
from tpmo.permissions import portfolio_reader_required

FINANCE_COLUMNS = [
    Column("Program", lambda m: m.label),
    Column("BAC", lambda m: m.value.bac),
    Column("PV", lambda m: m.value.pv),
    Column("EV", lambda m: m.value.ev),
    Column("AC", lambda m: m.value.ac),
    Column("CPI", lambda m: m.value.cpi and round(m.value.cpi, 3)),
    Column("SPI", lambda m: m.value.spi and round(m.value.spi, 3)),
    Column("EAC", lambda m: m.value.eac and round(m.value.eac, 2)),
    Column("VAC", lambda m: m.value.vac and round(m.value.vac, 2)),
    Column("Forecast", lambda m: m.forecast),
]


@require_safe
@portfolio_reader_required
def finance(request: HttpRequest) -> HttpResponse:
    """BAC, AC, EAC and VAC by program, objective and category at the end of a chosen period."""
    chooser = PeriodChoiceForm(request.GET or None)
    period = chooser.cleaned_data["period"] if chooser.is_bound and chooser.is_valid() else None
    as_of = period.end_date if period else timezone.localdate()
    # Directors and admins read the whole portfolio: the figures are the same for all of them.
    money = remembered(("finance", as_of), lambda: portfolio_finance(request.user, as_of))
    if request.GET.get("export") in FORMATS:
        return export_response(request.GET["export"], "finance", FINANCE_COLUMNS, money.programs)
    context = {
        "money": money,
        "chooser": chooser,
        "today": as_of,
        "page": Paginator(money.programs, 50).get_page(request.GET.get("page")),
    }
    return render(request, "tpmo/finance.html", context)
