"""portfolio_site.prepared: a read compiled once gives the rows the ORM gives, for every value it is called with."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.models import Enrolment
from portfolio_site import prepared as prepared_module
from portfolio_site.prepared import prepared

pytestmark = pytest.mark.django_db


def _enrolments(ids: list[int], assessor: int, since: datetime.datetime, start: datetime.date):
    return (Enrolment.objects.filter(pk__in=ids, created__gte=since, start_date__lte=start)
            .exclude(assessor_id=assessor).select_related("candidate", "qualification").order_by("pk"))


def test_rows_are_the_orms_for_each_call(enrolment, other_enrolment, stranger_enrolment, other_assessor):
    read = prepared(_enrolments)
    long_ago = timezone.now() - datetime.timedelta(days=1)
    far_ahead = datetime.date(2100, 1, 1)
    for ids, assessor in ([enrolment.pk, other_enrolment.pk], other_assessor.pk), \
            ([enrolment.pk, stranger_enrolment.pk], other_assessor.pk), \
            ([other_enrolment.pk, stranger_enrolment.pk], enrolment.assessor_id), ([enrolment.pk], 0):
        rows = read(ids=ids, assessor=assessor, since=long_ago, start=far_ahead)
        assert rows == list(_enrolments(ids, assessor, long_ago, far_ahead))
        assert rows, "each case reads a row"
        # select_related came back filled: no query for the candidate.
        with CaptureQueriesContext(connection) as queries:
            assert all(row.candidate.email for row in rows)
        assert len(queries) == 0
    # Two lengths of list, two compiled queries; the same length again compiled nothing more.
    assert len(read._compiled) == 2


def test_the_values_are_in_the_sql_not_the_stand_ins(enrolment, other_assessor):
    read = prepared(_enrolments)
    past = timezone.now() + datetime.timedelta(days=1)  # created before this: none is at or after it
    assert read(ids=[enrolment.pk], assessor=other_assessor.pk, since=past, start=datetime.date(2100, 1, 1)) == []
    before_start = enrolment.start_date - datetime.timedelta(days=1)
    assert read(ids=[enrolment.pk], assessor=other_assessor.pk, since=past - datetime.timedelta(days=2),
                start=before_start) == []
    assert read(ids=[enrolment.pk], assessor=other_assessor.pk, since=past - datetime.timedelta(days=2),
                start=enrolment.start_date) == [enrolment]


def test_values_lists_and_one_query_a_call(enrolment, other_enrolment):
    read = prepared(lambda ids: Enrolment.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "start_date"))
    read(ids=[enrolment.pk, other_enrolment.pk])
    with CaptureQueriesContext(connection) as queries:
        rows = read(ids=[other_enrolment.pk, enrolment.pk])
    assert len(queries) == 1
    assert rows == sorted([(enrolment.pk, enrolment.start_date), (other_enrolment.pk, other_enrolment.start_date)])
    assert isinstance(rows[0][1], datetime.date)  # converted as the ORM converts (SQLite gives text)


def test_long_lists_are_read_through_the_orm(enrolment):
    read = prepared(lambda ids: Enrolment.objects.filter(pk__in=ids))
    many = [enrolment.pk, *range(-1, -prepared_module.MOST_IDS - 1, -1)]
    assert read(ids=many) == [enrolment]
    assert read._compiled == {}


def test_an_empty_list_is_a_shape_of_its_own(enrolment, other_enrolment):
    """The build may leave out what an empty list asks (an arm of an OR); where every row needs one of its
    values, no query is made."""
    read = prepared(lambda ids, others: Enrolment.objects.filter(
        Q(pk__in=ids) | Q(pk__in=others) if others else Q(pk__in=ids)).order_by("pk"))
    assert read(ids=[enrolment.pk], others=[]) == [enrolment]
    assert read(ids=[enrolment.pk], others=[other_enrolment.pk]) == [enrolment, other_enrolment]
    assert read(ids=[other_enrolment.pk], others=[]) == [other_enrolment]
    with CaptureQueriesContext(connection) as queries:
        assert read(ids=[], others=[]) == []
    assert len(queries) == 0
    assert len(read._compiled) == 3
    # The other values of a query that an empty list leaves unasked are not missed.
    in_centre = prepared(lambda centre, ids: Enrolment.objects.filter(centre_id=centre, pk__in=ids))
    with CaptureQueriesContext(connection) as queries:
        assert in_centre(centre=enrolment.centre_id, ids=[]) == []
    assert len(queries) == 0
    assert in_centre(centre=enrolment.centre_id, ids=[enrolment.pk]) == [enrolment]


def test_a_value_the_sql_does_not_hold_is_refused(enrolment):
    read = prepared(lambda ids, person: Enrolment.objects.filter(pk__in=ids))
    with pytest.raises(ValueError, match="person"):
        read(ids=[enrolment.pk], person=1)


def test_prefetching_and_other_values_are_refused(enrolment):
    with pytest.raises(ValueError, match="prefetch"):
        prepared(lambda ids: Enrolment.objects.filter(pk__in=ids).prefetch_related("unit_choices"))(ids=[1])
    with pytest.raises(TypeError, match="not 'text'"):
        prepared(lambda name: Enrolment.objects.filter(uln=name))(name="text")


def test_fixed_values_are_shapes_of_their_own(enrolment, other_enrolment, stranger_enrolment):
    """What must be in the SQL's text (a slice) is compiled once for each of its values."""
    read = prepared(lambda bottom, ids: Enrolment.objects.filter(pk__in=ids).order_by("pk")[bottom:bottom + 1])
    ids = sorted([enrolment.pk, other_enrolment.pk, stranger_enrolment.pk])
    assert [read(fixed={"bottom": bottom}, ids=ids)[0].pk for bottom in (0, 1, 2)] == ids
    assert read(fixed={"bottom": 1}, ids=list(reversed(ids)))[0].pk == ids[1]
    assert len(read._compiled) == 3
