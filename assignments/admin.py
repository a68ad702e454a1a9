"""
Django's admin autodiscovery imports this module; the reviewers' admin lives in
``assignments.review``, one module per concern, each registering its own ModelAdmins.
"""

from .review import budgets, city_data, indicators, people, periods, records, reports  # noqa: F401
