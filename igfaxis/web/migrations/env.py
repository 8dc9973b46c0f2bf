"""Alembic environment of the web database: run on the connection that
:func:`igfaxis.web._db.migrate` passes (``config.attributes["connection"]``)."""

from alembic import context

from igfaxis.web._models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate on the caller's connection (SQLite gets batch mode for ALTER TABLE)."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _in_alembic() -> bool:
    """Whether Alembic runs this file (not, e.g., pytest collecting doctests)."""
    try:
        context.config  # noqa: B018 (no proxy outside Alembic)
    except (AttributeError, NameError):
        return False
    return True


if _in_alembic():
    if context.is_offline_mode():
        raise RuntimeError(
            "igfaxis migrations run online only, through igfaxis.web._db.migrate(engine)."
        )
    run_migrations_online()
