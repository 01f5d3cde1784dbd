"""Corpus scale: many documents → a Parquet dataset, one table per entity (`qigong dataset`).

Uses only the public pipeline (`parse_bytes`) and the output model. pyarrow is the `dataset`
extra, dask distributed the `dask` extra; both are imported only when a run needs them.
"""
