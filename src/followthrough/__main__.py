from followthrough.cli.main import main

raise SystemExit(main())
