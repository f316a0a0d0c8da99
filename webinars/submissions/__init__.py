"""Country submissions: what organizers ask each member country for before a date, and what
their focal points send (a file, an answer in the page, or both)."""
