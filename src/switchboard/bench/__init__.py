"""``switchboard bench``: voice-to-voice latency, own overhead and concurrent-call capacity,
measured over loopback against Switchboard and a plain Pipecat pipeline side by side."""
