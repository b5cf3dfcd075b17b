import sys

from biasaudit.cli import main

sys.exit(main())
