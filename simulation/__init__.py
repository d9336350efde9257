"""Simulation: proves that patients get places, against a strategy without the system and an
offline upper bound. This package holds the pure, stack-free core (scenario, world, hidden
behaviour, the comparison strategy, the bound, figures, invariants, report); a driver runs the
real stack through its APIs and fills the same results and observation log."""
