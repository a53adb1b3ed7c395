"""Welsh: Django's, and the long and weekday dates."""

LONG_DATE_FORMAT = "j F Y"  # 30 Tachwedd 2026
LONG_DATETIME_FORMAT = "j F Y, P"  # 30 Tachwedd 2026, 2:05 y.h.
WEEKDAY_DATE_FORMAT = "l j F"  # Dydd Llun 30 Tachwedd
WEEKDAY_DATETIME_FORMAT = "l j F Y, P"  # Dydd Llun 30 Tachwedd 2026, 2:05 y.h.
