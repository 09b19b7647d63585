"""Lika många användare med samma betänketid som bench/locustfile.py, mot golvets enda vy
(bench/golv.py), genom samma tänkta TLS-proxy. Körs av `bench/last.py --golv`."""

import sys
from pathlib import Path

from locust import task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.locustfile import Proxad  # noqa: E402  (abstrakt: locust kör den inte själv)


class Golv(Proxad):
    @task
    def golv(self):
        self.client.get("/golv/", name="golv")
