"""Where citywatch keeps what it found: records and their history, crawl runs, monitored links.

records.py       the values the pipeline hands over (RecordData, ...)
db.py            make_engine, session_factory, session_scope
migrate.py       upgrade, ensure_current, schema_drift (Alembic, no alembic.ini needed)
repositories.py  every function that writes or reads rows, re-exported from
                 sources.py, runs.py, record_store.py and queries.py
duplicates.py    possible duplicates across sources: stored, listed, confirmed or rejected
models.py        the tables; errors.py the exceptions; events.py the change-event shape
"""
