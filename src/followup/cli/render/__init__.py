"""Every word the CLI prints, and the JSON shapes tools rely on, one module per room:
tables and lines (``text``), interviews (``interviews``, ``shapes``), the daemon's status
(``status``), import and export (``transfer``), statistics (``stats``), email (``mail``),
setting up (``setup``). Commands hand their data here; nothing here reads the store."""
