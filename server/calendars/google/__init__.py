"""Google Calendar: client (HTTP), parse (JSON <-> neutral types), provider (the interface)."""
