import sys

from bwconsole.cli import main

sys.exit(main())
