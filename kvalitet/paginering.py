"""Sidindelning för långa listor: räkna högst ett tak av rader.

En exakt COUNT över hundratusentals rader kostar mer än hela sidan i övrigt; ingen bläddrar förbi sida
400. Över taket visar listan "fler än …" och ber användaren smalna av med filtren.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

TAK = 10_000


class BegransadPaginator(Paginator):
    def __init__(self, object_list, per_page, *, tak: int = TAK, **kwargs):
        self.tak = tak
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        # COUNT över en LIMIT-delfråga utan sortering: databasen slutar räkna vid taket.
        rader = self.object_list
        if hasattr(rader, "order_by"):
            rader = rader.order_by().values("pk")
        return rader[: self.tak + 1].count() if hasattr(rader, "count") else len(rader[: self.tak + 1])

    @property
    def over_tak(self) -> bool:
        return self.count > self.tak

    @cached_property
    def num_pages(self) -> int:
        antal = min(self.count, self.tak)
        if antal == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-max(0, antal - self.orphans) // self.per_page))
