"""Sharing a run with browsers (``contui --share``): students follow the teacher's run on their own laptops,
read-only, each looking back in their own view.

``feed`` turns the model the pump folds into messages; ``view`` says what the page shows of a model (the panes'
own words and colours); ``server`` serves the page and the messages from one thread of contui; ``static/`` is the
page itself. See docs/sharing.md.
"""

LOCAL_HOST = "127.0.0.1"  # without --host: this machine only
DEFAULT_PORT = 8765
