"""Observation-model constants for measured IGF-1: within-person and analytical variation.

A measured IGF-1 scatters around the person's model value by two independent,
multiplicative sources (a lab is taken at its clock time, 08:00 when not given):

- **within-person biological variation** (CV_I): day-to-day and week-to-week changes in the
  person that the model does not carry (recent meals, sleep, illness, sample handling).
  :data:`IGF1_CV_I` = 0.12. Derived [D] from Milani D et al. 2004 J Clin Endocrinol Metab
  89:2271 (84 healthy adults 50-90 y, fasting IGF-I two weeks apart, read in abstract):
  correlation 0.922 at mean 120 and SD 53 ng/mL gives a within-person SD of
  sqrt(1 - 0.922) x 53 = 14.8 ng/mL, a CV of 0.123 that includes the assay; less the
  assay's 0.06 it is 0.107. Nguyen TV et al. 2008 Clin Chem 54:1268 (1103 elite athletes,
  2-3 weeks, read in abstract) give within-subject CVs of 11-21% for the IGF-axis markers
  together [the IGF-I value itself UNVERIFIED]. 0.12 lies between the two.
- **analytical (assay) variation** (CV_A): the default when the assay is not known,
  :data:`IGF1_CV_A` = 0.06, the middle of the inter-assay CVs that manufacturers give for
  the automated IGF-I immunoassays (IDS-iSYS 3.9-7.2%, DiaSorin LIAISON XL 5.6-9.6%,
  Siemens IMMULITE 2000 3.7-8.1%; Chanson P et al. 2016 J Clin Endocrinol Metab, VARIETE,
  Table 1, PMC5054194, read in source).

Combined on the log scale, ``sqrt(CV_I**2 + CV_A**2)`` = 0.134 per measurement.
"""

from __future__ import annotations

from typing import Final

__all__ = ["IGF1_CV_A", "IGF1_CV_I"]

#: within-person biological variation of serum IGF-1 (CV, on the log scale) [-]
IGF1_CV_I: Final = 0.12
#: default analytical CV of an IGF-1 immunoassay when the assay is not stated [-]
IGF1_CV_A: Final = 0.06
