from kvalitet.models import OrgNod
from kvalitet.paginering import BegransadPaginator


def test_capped_paginator_counts_at_most_the_cap_and_says_so(org):
    alla = OrgNod.objects.order_by("pk")  # 10 noder i rollbesättningen
    under = BegransadPaginator(alla, 3, tak=20)
    assert (under.count, under.num_pages, under.over_tak) == (10, 4, False)
    over = BegransadPaginator(alla, 3, tak=6)
    assert over.over_tak and over.num_pages == 2
    assert [n.pk for n in over.page(2)] == [n.pk for n in alla[3:6]]
