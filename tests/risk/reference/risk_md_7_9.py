"""Reference implementation of research/risk.md section 7.9, copied verbatim.

Run it to print the 7.9 checks; the numbers are also in risk_md.yaml (`checks_7_9`).
"""

# ruff: noqa
# fmt: off
import math
from statistics import NormalDist
from scipy.special import gammainc, gamma   # only needed for the BCPE SDS

NG_PER_NMOL = 7.649
_N = NormalDist()

def sds_bcpe(y, mu, sigma, nu, tau):
    """Age/sex SDS from BCPE reference parameters (e.g. the LIFE table in risk.md §2.3)."""
    u = math.log(y / mu) / sigma if abs(nu) < 1e-6 else ((y / mu) ** nu - 1) / (nu * sigma)
    c = math.sqrt(2 ** (-2 / tau) * gamma(1 / tau) / gamma(3 / tau))
    p = 0.5 * (1 + math.copysign(1, u) * gammainc(1 / tau, 0.5 * abs(u / c) ** tau))
    return _N.inv_cdf(min(max(p, 1e-9), 1 - 1e-9))

MORT_Z = {"meta": dict(a=-0.07415, b=0.21290, se_a=0.0528, se_b=0.0413, zclip=2.0),
          "ukb":  dict(a=-0.05238, b=0.09285, se_a=0.0182, se_b=0.0109, zclip=2.5)}

def hr_mortality_z(z, model="meta"):
    p = MORT_Z[model]; z = max(-p["zclip"], min(p["zclip"], z))
    return math.exp(p["a"] * z + p["b"] * z * z)

def hr_mortality_hinge(x_ng, lo=120.0, hi=160.0, beta_lo=0.0095, beta_hi=0.0035):
    return math.exp(beta_lo * max(0.0, lo - x_ng) + beta_hi * max(0.0, x_ng - hi))

CANCER_PER5NMOL = {"breast": (1.11, 1.07, 1.15), "prostate": (1.08, 1.05, 1.12),
                   "colorectal": (1.08, 1.03, 1.13), "thyroid": (1.18, 1.01, 1.37)}  # Knuppel 2020

def hr_cancer(site, x_ng, ref_ng):
    hr, _, _ = CANCER_PER5NMOL[site]
    return math.exp(math.log(hr) / 5.0 * (x_ng - ref_ng) / NG_PER_NMOL)

# checks: hr_mortality_z(-1)=1.332, hr_mortality_z(2)=2.020, hr_mortality_z(-1,'ukb')=1.156,
#         hr_mortality_hinge(90)=1.330, hr_cancer('breast',200,150)=1.146,
#         sds_bcpe(100, 119.6, 0.2573, 0.3882, 1.6969) = -0.71  (male, 60 y, LIFE)

if __name__ == "__main__":
    print(f"{hr_mortality_z(-1):.3f} {hr_mortality_z(2):.3f} {hr_mortality_z(-1, 'ukb'):.3f} "
          f"{hr_mortality_hinge(90):.3f} {hr_cancer('breast', 200, 150):.3f} "
          f"{sds_bcpe(100, 119.6, 0.2573, 0.3882, 1.6969):.2f}")
