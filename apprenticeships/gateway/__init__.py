"""The end-point assessment gateway of an enrolment on an apprenticeship standard.

``evaluate`` judges each requirement (pure), ``reads`` gathers the facts and the signatures in a fixed number
of queries, ``services`` records the English, maths and qualification achievements and the signatures,
``views`` are the pages. The gateway pack (the PDF for the end-point assessment organisation) is built by the
exports app, which comes after this one.
"""
