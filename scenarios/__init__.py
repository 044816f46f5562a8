"""Teaching scenarios for contui: one runnable script per example of the concurrency course."""
