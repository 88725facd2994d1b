"""The organisation every feature shares: departments, people, reporting lines, roles, units."""
