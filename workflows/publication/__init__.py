"""The transparency page's side of a recommendation: whether management made it public, and the
figures the public page and the open data are served from (kept in a table, refreshed by a job)."""
