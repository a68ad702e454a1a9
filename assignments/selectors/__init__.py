"""
Every read that more than one place needs, written once: the current and open reporting
periods (``periods``) and where each organisation's report stands in a period (``status``).
"""

from .periods import current_period, open_periods

__all__ = ["current_period", "open_periods"]
