"""Date and number formats for languages Django ships none for (settings.FORMAT_MODULE_PATH)."""
