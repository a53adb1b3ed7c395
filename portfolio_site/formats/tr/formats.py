"""Turkish: Django's, and the long and weekday dates (the weekday after the date)."""

LONG_DATE_FORMAT = "j F Y"  # 30 Kasım 2026
LONG_DATETIME_FORMAT = "j F Y H:i"  # 30 Kasım 2026 14:05
WEEKDAY_DATE_FORMAT = "j F l"  # 30 Kasım Pazartesi
WEEKDAY_DATETIME_FORMAT = "j F Y l, H:i"  # 30 Kasım 2026 Pazartesi, 14:05
