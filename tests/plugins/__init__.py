"""Test-only plugins: one that exercises every hook, and deliberately broken ones."""
