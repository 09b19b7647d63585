"""REST-API:t (issue 7). Varje vy läser via kvalitet.access.scope och loggar personuppgifter som en sidvisning."""
