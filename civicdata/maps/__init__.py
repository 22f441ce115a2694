"""Layer 3, maps and print: classification, interactive choropleths, offline map files, static maps,
Data Walk posters, community profiles and figures with alt text. Imports the data and moe layers."""
