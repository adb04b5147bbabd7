"""The city's areas as the phone's map needs them."""
