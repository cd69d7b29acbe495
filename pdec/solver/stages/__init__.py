"""Stage kinds: how one stage is fitted (`base` the interface, one file per kind)."""
