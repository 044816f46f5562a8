"""contui: watch real Python processes, threads, locks and queues live in the terminal."""
