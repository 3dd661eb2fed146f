"""The core's own pages (home, data, admin, sign-in) as callables."""
