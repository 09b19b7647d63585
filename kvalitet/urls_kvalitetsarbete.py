"""Mål och indikatorer, intern kontrollplan och förbättringsplan (kvalitetsarbetets egna sidor)."""

app_name = "kvalitetsarbete"

urlpatterns = []
