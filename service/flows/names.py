"""The comma lists diagrams use in properties and parameters (``signs=a,b,c``, ``roles=sales,delivery``)."""


def split_names(value) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``; empty or missing -> ``[]``."""
    return [part.strip() for part in str(value or "").split(",") if part.strip()]
