"""A child left running: the script starts it and ends at once; the child prints after its parent has gone."""
import subprocess

subprocess.Popen(["sh", "-c", "sleep 0.3; echo late line; echo late complaint >&2"])
print("parent leaves")
