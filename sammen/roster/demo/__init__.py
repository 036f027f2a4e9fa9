"""The demo municipality: see ``build`` and docs/demo.md."""
