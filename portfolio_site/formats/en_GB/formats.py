"""British English: Django's, with the 24-hour clock the pages have always used."""

DATE_FORMAT = "j M Y"  # 30 Nov 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i"  # 30 Nov 2026, 14:05
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 30/11/2026 14:05
LONG_DATE_FORMAT = "j F Y"  # 30 November 2026
LONG_DATETIME_FORMAT = "j F Y H:i"  # 30 November 2026 14:05
WEEKDAY_DATE_FORMAT = "l j F"  # Monday 30 November
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Monday 30 November 2026, 14:05
