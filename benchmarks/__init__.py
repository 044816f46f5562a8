"""contui's benchmarks: the event path, the tracer's overhead, psutil sampling, scale, and the app's responsiveness.

``python -m benchmarks`` runs them all and writes ``benchmarks/results/latest.json``; ``--quick`` runs each once at a
tiny size (what ``tests/test_benchmarks_smoke.py`` does to keep them working).
"""
