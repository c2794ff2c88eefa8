"""What every room uses: channel configuration and secrets, notifying users, outside text, keys.

Nothing here knows the inbound pipeline, the outbound gate, surveys or reports; they all stand on it.
"""
