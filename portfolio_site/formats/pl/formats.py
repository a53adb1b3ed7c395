"""Polish: Django's, and the long and weekday dates (the month in the genitive after a day: "E")."""

LONG_DATE_FORMAT = "j E Y"  # 30 listopada 2026
LONG_DATETIME_FORMAT = "j E Y H:i"  # 30 listopada 2026 14:05
WEEKDAY_DATE_FORMAT = "l, j E"  # poniedziałek, 30 listopada
WEEKDAY_DATETIME_FORMAT = "l, j E Y, H:i"  # poniedziałek, 30 listopada 2026, 14:05
