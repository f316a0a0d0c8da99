"""Evaluations: a short bilingual questionnaire per series, answered once per attendee without
an account, anonymous in the results."""
