"""CSV import of the registries (places, authorities): a dry run first, row-level errors, and
nothing half-written."""
