"""The engine: events, tracing, running and sampling a scenario, and the model folded from it. No Textual here."""
