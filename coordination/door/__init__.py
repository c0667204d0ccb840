"""The door: check-in lists, door links for volunteers, check-ins and attendance."""
