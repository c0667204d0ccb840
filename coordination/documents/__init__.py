"""PDF documents: the engine (engine.py, pdf.py), big ones in parts on every core (parallel.py,
join.py), the cache that keeps them by their data (cache.py), and background jobs with
progress for those too big to wait for (jobs.py, responses.py)."""
