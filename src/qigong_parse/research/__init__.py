"""Research on parsed notices: diff across years and places, table exports, responsibility matrix."""
