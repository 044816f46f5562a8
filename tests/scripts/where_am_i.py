import os
import sys

print(os.getcwd())
print(sys.path[0])
