"""The only code that speaks SQL: tables (``tables``), the assessment store (``repository``),
engines and Alembic migrations (``database``). SQLite (WAL) by default, PostgreSQL by URL."""
