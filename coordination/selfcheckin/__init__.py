"""Self check-in from the hall QR, and digital signatures at check-in."""
