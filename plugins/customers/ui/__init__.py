"""The customers plugin's pages (Streamlit only here)."""
