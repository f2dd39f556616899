"""Code beside the core: mock carriers, extra adapters, benchmarks. Never imported by it."""
