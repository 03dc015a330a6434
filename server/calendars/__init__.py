"""Calendar providers behind one interface (closeio's provider split)."""
