"""How a run tells its processes what they need: the names of the environment variables contui sets."""

ENV_FD = "CONTUI_EVENT_FD"  # the write end of the event queue's pipe
ENV_T0 = "CONTUI_T0"  # the run's start on CLOCK_MONOTONIC, in ns
ENV_CONTROL_FILE = "CONTUI_CONTROL_FILE"  # the run's shared control page: speed, terminate requests
ENV_ROOT = "CONTUI_ROOT"  # the folder that holds the tui package
ENV_REAPER = "CONTUI_REAPER_PID"  # the run's reaper, parent of the main process
ENV_START_METHOD = "CONTUI_START_METHOD"  # the default multiprocessing start method, if asked
ENV_OWNER = "CONTUI_OWNER"  # the contui process a run belongs to: a run whose owner is gone must not exist
ENV_OUTPUT = "CONTUI_OUTPUT"  # "block": the script's stdout is block-buffered (contui run into a file or a pipe)
ENV_SUMMARIES = "CONTUI_SUMMARIES"  # "off": every operation is an event, however hot (benchmarks of event volume)
