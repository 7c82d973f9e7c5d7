"""Forms of the pages: user-task forms rendered from their JSON Schema (`jsonschema_form`)."""
