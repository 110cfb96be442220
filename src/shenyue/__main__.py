from shenyue.cli import main

raise SystemExit(main())
