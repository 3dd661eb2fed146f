"""The appraisal pages (Streamlit only here), one module per page."""
