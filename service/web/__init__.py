"""Pages for people (Flask stays in this layer and in `api`)."""
