"""Series, their sessions, agendas, speakers and participant profiles."""
