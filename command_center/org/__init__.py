"""People, the org tree, users, roles and the viewer's scope."""
