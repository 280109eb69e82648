import os, time, statistics, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tpmo.settings")
import django; django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
c = Client(); c.force_login(get_user_model().objects.get(username=sys.argv[1]))
for url in sys.argv[2:]:
    c.get(url)
    times=[]
    for _ in range(10):
        t=time.perf_counter(); r=c.get(url); times.append((time.perf_counter()-t)*1000)
    print(f"{url:40s} {r.status_code} median {statistics.median(times):6.1f} ms")
