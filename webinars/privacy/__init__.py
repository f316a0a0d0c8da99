"""Personal data: anonymising the registrations of old series, deleting one's own registration.

What an anonymised row looks like is in `registration.anonymised`, so that the registration
and participation services recognise one without importing these.
"""
