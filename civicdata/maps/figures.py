"""Show a matplotlib figure in a notebook with alt text, so screen-reader users get a description.

Example:
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> image = figure_image(fig, alt="An empty chart")
    >>> image.alt
    'An empty chart'
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def figure_image(fig: Figure, alt: str, dpi: int = 100):
    """Render ``fig`` to a PNG ``IPython.display.Image`` that carries ``alt`` text; close the figure."""
    import matplotlib.pyplot as plt
    from IPython.display import Image

    if not alt or not alt.strip():
        raise ValueError("Every figure needs alt text: a sentence saying what the picture shows.")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return Image(data=buffer.getvalue(), format="png", alt=alt)


def show_figure(fig: Figure, alt: str, dpi: int = 100) -> None:
    """Display ``fig`` in the notebook with ``alt`` text (use instead of ``plt.show()``)."""
    from IPython.display import display

    display(figure_image(fig, alt=alt, dpi=dpi))
