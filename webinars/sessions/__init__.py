"""Sessions of a series: their time, agenda, the roles of their speakers, recurrence."""
