"""Civil-society monitors' observations on the follow-up of recommendations from their visits."""
