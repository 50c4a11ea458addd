"""The newsroom's desk: the Django admin for articles and what they are filed under.

One module per screen: ``articles`` (the article list and change form),
``inlines`` (an article's parts on that form), ``import_page`` ("Import
article"), ``taxonomy`` (categories and authors) and ``redirects`` (old
addresses). Importing the package registers them all.
"""

from . import articles, redirects, taxonomy

__all__ = ["articles", "redirects", "taxonomy"]
