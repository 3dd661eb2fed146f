"""A plugin that cannot even be imported."""

raise ImportError("broken_import: this plugin is broken on purpose")
