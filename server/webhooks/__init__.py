"""Department webhooks: registration, signing, delivery under the network policy, and their API."""
