"""govwatch spiders."""
