"""Minutes (notulen): the editor, its rules and the signed PDF."""
