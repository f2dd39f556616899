"""Departments, staff, managers and retailers (R1).

Reads, reference-data edits, imports and the spatial index.
"""
