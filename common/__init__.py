"""Helpers shared by every layer: they import no app of this project."""
