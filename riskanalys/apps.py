from django.apps import AppConfig


class RiskanalysConfig(AppConfig):
    name = "riskanalys"
    verbose_name = "Riskanalyser"
