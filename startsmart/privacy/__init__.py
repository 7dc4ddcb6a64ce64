"""Personal data: kept only as long as needed, shown to and deleted for the person on request."""
