"""PDF documents: badges now; minutes and attendance lists later."""
