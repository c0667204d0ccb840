"""Events, their agenda and their team."""
