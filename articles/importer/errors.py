class ArticleParseError(ValueError):
    """The file cannot be read as an article; the message says why, in one line."""
