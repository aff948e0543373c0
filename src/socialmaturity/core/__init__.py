"""What every layer may use: the settings (more of errors, files and i18n move here)."""
