"""Albers equal-area conic projection for China, in pure Python (Snyder, Map Projections, 1987, p. 98).

Equal-area, so a county's shaded area on the map is in proportion to its area on
the ground, which is what a choropleth needs. Standard parallels 25° N and
47° N, central meridian 105° E (the usual parameters for maps of China); x and
y in kilometres on a sphere of the Earth's mean radius, y to the north.
"""
from __future__ import annotations

import math

RADIUS_KM = 6371.0088
_PHI1, _PHI2, _LAMBDA0, _PHI0 = (math.radians(d) for d in (25.0, 47.0, 105.0, 0.0))
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(_PHI0)) / _N


def albers(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) in km of a WGS84 (longitude, latitude) in degrees."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * (math.radians(lon) - _LAMBDA0)
    return RADIUS_KM * rho * math.sin(theta), RADIUS_KM * (_RHO0 - rho * math.cos(theta))
