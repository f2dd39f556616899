"""Source tree of the separately packaged ``visitgis-parlayx`` adapter (see its pyproject)."""
