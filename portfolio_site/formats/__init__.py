"""Date and time formats of the interface's languages, over Django's own (settings.FORMAT_MODULE_PATH).

Templates name a format rather than spell one (`|date:"DATE_FORMAT"`), so each language writes dates its own
way. Django's names cover a short and a medium date; the pages also need a long one (the month in words), a
long date with a time, and a date with its weekday: every language here defines

- LONG_DATE_FORMAT: "30 November 2026"
- LONG_DATETIME_FORMAT: "30 November 2026 14:05"
- WEEKDAY_DATE_FORMAT: "Monday 30 November"
- WEEKDAY_DATETIME_FORMAT: "Monday 30 November 2026, 14:05"

(a name Django does not know is looked up in these modules only, so every language of settings.LANGUAGES
must define all four: tests/portfolio_site/test_formats.py checks it). Fixed formats stay where a machine
reads them: ISO dates in attributes and URLs, CSV and JSON.
"""

#: The names every language's module defines beyond Django's.
OWN_FORMATS = ("LONG_DATE_FORMAT", "LONG_DATETIME_FORMAT", "WEEKDAY_DATE_FORMAT", "WEEKDAY_DATETIME_FORMAT")
