import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tpmo.settings")
application = get_wsgi_application()

# Everything loaded by now (settings, apps, models, every view through the URL configuration) lives
# as long as the worker. Moved out of the cyclic collector's sight, it is not walked again at each
# full collection: on a small machine a full walk of a worker's start-up objects takes ~100 ms, a
# pause some request pays (it was most of the load test's 99th percentile).
get_resolver().url_patterns  # noqa: B018 — imports every view now
gc.freeze()
