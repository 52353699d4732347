"""Layer 3, targets: a file of an output, as a location (storage) and a format, written atomically.

`target` (KartTarget & co.), `file_format` (the FileFormat base), `registry` (formats by extension),
`builtin` and `dataframe` (the built-in formats), `model` (zips of models), `huge_pages` (large reads).
May import the layers below (`_storage`, `_luigi`) and `errors`.
"""
