"""Session materials: presentations and documents attached to a session or an agenda item,
public or for confirmed registrants only."""
