"""Pure Polars logic of the customers plugin: no Streamlit, no SQL, no I/O."""
