"""Control-plane state that many processes change: the load ledger, landed files and (from the
access and quality packages) requests, grants, audit index and quality scores. It lives in a
transactional store through SQLAlchemy: SQLite by default, PostgreSQL in production, same code.
It never touches the warehouse file or the data itself."""
