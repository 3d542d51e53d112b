"""`python -m backprop_nbdev` runs the `backprop` command (see nbs/12_cli.ipynb)."""
import sys

from .cli import main

if __name__ == '__main__': sys.exit(main())
