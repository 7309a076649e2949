"""govwatch reports."""
