#!/bin/sh
# Creates Temporal's two PostgreSQL databases and applies every schema version the admin-tools image ships.
# temporal-sql-tool's create and setup-schema leave an existing database and schema unchanged, and update-schema
# applies only newer versions, so this runs safely on every `docker compose up`.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12

for database in temporal temporal_visibility; do
  case "$database" in
    temporal) versions="$schema_root/temporal/versioned" ;;
    *) versions="$schema_root/visibility/versioned" ;;
  esac
  echo "setting up database $database"
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$database" create
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$database" \
    setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$database" \
    update-schema -d "$versions"
done
echo "Temporal schemas are up to date"
