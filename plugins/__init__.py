"""The built-in plugins, registered from ``command_center.plugins.DEFAULT_PLUGINS``."""
