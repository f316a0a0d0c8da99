"""Participation across series: the registrations of one person, linked.

A `Participant` holds no personal data of its own: it is the number that ties registrations
together. The same e-mail address links registrations at once (a registration is one per
series and address, and the private link proves the address); the same name in the same
country with another address is only a suggestion, until a member of staff confirms it.
"""
