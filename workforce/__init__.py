"""Teams, monthly workforce returns and the rates derived from them (issue 6)."""
