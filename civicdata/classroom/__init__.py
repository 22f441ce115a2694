"""Layer 4, classroom support: exercise self-checks, JupyterHub links and the environment check
(``doctor``). May import every layer below it; only the CLI sits above it."""
