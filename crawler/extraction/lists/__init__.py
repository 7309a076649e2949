"""List adapters, one per CMS family, tried by markers before the generic fallback."""
