"""govwatch crawler."""
