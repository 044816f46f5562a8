"""The tracer's hooks: installed in every traced process before the script runs, they report what it does."""
