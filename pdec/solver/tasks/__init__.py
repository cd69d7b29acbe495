"""Tasks: what the stages fit (`base` the interface; `fit` closed forms and data, `equations` PDEs)."""
