"""The spec editors' pages ("Qualification specs"): a views package, so the junk walk reads what they read."""
