"""What every TPMO admin page shares: history, facets, paging."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class TpmoModelAdmin(SimpleHistoryAdmin):
    """A model admin whose records show their full change history (who, when, what changed)."""

    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    save_on_top = True
