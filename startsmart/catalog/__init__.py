"""The Start Smart offerings (the four formats), their topics and their dates."""
