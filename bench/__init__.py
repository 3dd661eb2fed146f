"""Benchmarks for ``make bench``: our data paths beside their baselines.

Run with ``python -m bench [--scale medium,large] [--repeat N] [--only NAME,...]``.
Every measured call runs in a spawned child process (see :mod:`bench.measure`),
so one variant's memory never inflates another's, and the peak RSS of the call
can be read from the kernel.
"""
