"""Session engines that read the request's version stamps (`peili.core.versions.REQUEST_STAMPS`)
together with the session: `peili.core.sessions.cached_db` (with Redis: session and stamps in one
`get_many`, one round trip) and `peili.core.sessions.db` (the embedded default: the session from
the database as Django's own engine, the stamps in one read of the database cache)."""
