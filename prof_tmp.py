import os, time, statistics, cProfile, pstats, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tpmo.settings")
import django; django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
url = sys.argv[1]
c = Client()
c.force_login(get_user_model().objects.get(username="director"))
for _ in range(3): r = c.get(url)
assert r.status_code == 200, r.status_code
times=[]
for _ in range(15):
    t=time.perf_counter(); c.get(url); times.append((time.perf_counter()-t)*1000)
print(url, "median %.1f ms" % statistics.median(times))
with CaptureQueriesContext(connection) as q: c.get(url)
qt = sorted(((float(x["time"]), x["sql"][:150]) for x in q.captured_queries), reverse=True)
print("queries", len(q), "sql total %.1f ms" % (sum(t for t,_ in qt)*1000))
for t,s in qt[:6]: print("  %.1f ms %s" % (t*1000, s))
if len(sys.argv) > 2:
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5): c.get(url)
    pr.disable(); pstats.Stats(pr).sort_stats(sys.argv[2]).print_stats(40)
