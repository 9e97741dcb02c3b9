"""Named permission predicates for registration, consent, nomination and rosters."""
