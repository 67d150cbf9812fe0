from followup.cli import main

raise SystemExit(main())
