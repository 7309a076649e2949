"""govwatch checks."""
