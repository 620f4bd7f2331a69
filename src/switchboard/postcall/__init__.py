"""postcall package."""
