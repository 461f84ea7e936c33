"""visitkit: build branded virtual-appointment toolkits from organisation profiles."""

__version__ = "0.1.0"
