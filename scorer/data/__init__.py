"""Data files shipped with scorer (lexicons, converter tables)."""
