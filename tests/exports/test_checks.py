"""The system check that keeps Redis from handing a running export to a second worker."""

from exports.checks import visibility_timeout_covers_exports


def test_a_visibility_timeout_shorter_than_an_export_is_reported(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    settings.EXPORT_TIME_LIMIT_SECONDS = 3600
    assert [message.id for message in visibility_timeout_covers_exports()] == ["exports.W001"]


def test_the_default_settings_pass(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7200}
    settings.EXPORT_TIME_LIMIT_SECONDS = 3600
    assert visibility_timeout_covers_exports() == []
