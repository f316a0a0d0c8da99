"""The directory of national authorities and focal points (seeds 003 and 004).

Per member country and working group, the institutions and people who answer for a topic
(smuggling, border management, protection...). Each country's focal points keep their own
country's entries; organizers keep them all; a member of the directory, and any focal point,
reads it. Never public. An entry not confirmed for twelve months is flagged, and its country's
focal points are reminded (`flask directory remind`).
"""
