"""Demo data reproducing the conference's seed documents."""
