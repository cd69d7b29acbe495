"""The solver layer: a checked problem solved stage by stage (one driver; stage kinds say how a stage is fitted, tasks what is fitted)."""
