"""The sandbox's voice engine: calls, simulated far ends, audio, gathers, recordings and BXML."""
