"""Pituitary somatotroph: GH secretion under GHRH, GHS, SRIF and IGF-1 feedback.

Source: Farhy, Bowers & Veldhuis 2007 (SBML MODEL0912096133), read *multiplicatively*: the
SBML writes the SRIF factor as a third summand, which would secrete GH at rate kr1 with no
GHRH at all; the factor equals 1 at zero SRIF and falls as SRIF rises, which only makes
sense as a multiplier (research/models.md 1.1 caveat). IGF-1 negative feedback as the
multiplier Phi of research/models.md 8.2(b).

Equations::

    F1   = g1 H(GHS; tg1, ng1)
    Phi  = 1 / (1 + (IGF1_total / IC50)^h)
    r    = kr1 [H(GHRH + GHRH_drug; t1, n1) + g0 H(GHS; tg0, ng0)]
               (1 + F1) / (1 + ((S_PeV + S_drug)/t2)^n2 + F1) Phi
    b    = basal B(t) (1 + F1) / (1 + ((S_PeV + S_drug)/t2)^n2 + F1) Phi
    Sec  = capacity (r R + b) + autonomous A(t) (1 + F1) / (1 + (s_a S_drug/t2)^n2 + F1)
    dR/dt = (1 - R) / pool_tau - r R / pool_size

R is the somatotrophs' releasable GH store (1 = full): regulated release empties it and it
refills with time constant ``pit_pool_tau``. ``pit_pool_size`` is the store of a full
complement of somatotrophs in ng/mL of the GH central volume; capacity scales the cells and
their stores alike, so it cancels from dR/dt. A spontaneous burst uses a few per cent of
the store; a GHRH bolus, which holds GHRH saturating for half an hour, uses a large part
of it, so a second bolus within hours releases less (Losa M et al. Acta Endocrinol, 50 ug
GRF every 2 h; Suri D, Hindmarsh PC et al., two GHRH doses 1-3 h apart), and
somatotrophs disinhibited by low IGF-1 (pituitary GH deficiency) empty their store sooner
(calibration: parameter table; docs/model.md "The releasable GH store").

b is the somatotrophs' basal (nonpulsatile) secretion: not driven by GHRH and not drawn from
the releasable store, under the same somatostatin factor and IGF-1 feedback (IGF-I
suppresses basal GH release of pituitary cells, Yamashita & Melmed 1986 Endocrinology
118:176); basal secretion falls with BMI but not with age (Roelfsema 2016 Neuroendocrinology
103:335), so the person's adiposity and oestrogen factors scale ``pit_basal`` and the
somatopause does not (:mod:`igfaxis.model.person`). B(t) is its irregular activity relative
to its mean (forcing input ``basal_activity``, ``pit_basal_cv``, ``pit_basal_step``, its own
random stream): the sum of secretory events too small to resolve as bursts
(docs/model.md "Basal (nonpulsatile) secretion").

GHRH_drug and S_drug are the GHRH-analogue and somatostatin-analogue agonism of the drug
library (:mod:`igfaxis.model.drugs`), in native-hormone equivalents. A(t) is the adenoma's
secretory activity relative to its mean (forcing input ``adenoma_activity``): adenoma GH
release is irregular, a noisy, low-regularity process (Hartman 1994 JCI 94:1277: higher
ApEn in acromegaly; Prank 1996 Phys Rev Lett 77:1909: acromegalic GH series are
indistinguishable from linear stochastic processes), drawn in
:mod:`igfaxis.protocol` from its own random stream (``adenoma_cv``, ``adenoma_step``).

Sec and r in ng/mL/h of the GH central volume.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model._math import hill, inhibit

__all__ = ["basal_rate", "gh_secretion", "releasable_pool_rate", "somatotroph_rate"]


def _restraint(srif_pev: Any, ghs: Any, igf1_total_ng_ml: Any, p: Any, ssa: Any
               ) -> tuple[Any, Any]:  # fmt: skip
    """The somatostatin factor (opposed by the GHS term F1) and the IGF-1 feedback, which
    restrain regulated and basal release of the normal somatotroph alike [-, -]."""
    f1 = p.ghs_g1 * hill(ghs, p.ghs_tg1, p.ghs_ng1)
    srif_factor = (1.0 + f1) / (1.0 + ((srif_pev + ssa) / p.pit_t2) ** p.pit_n2 + f1)
    return srif_factor, inhibit(igf1_total_ng_ml, p.igf_fb_ic50, p.igf_fb_n)


def somatotroph_rate(
    ghrh: Any, srif_pev: Any, ghs: Any, igf1_total_ng_ml: Any, p: Any, ssa: Any = 0.0
) -> Any:
    """Regulated GH release per unit of somatotroph capacity from a full releasable store
    [ng/mL/h]: ``kr1`` times the GHRH/GHS stimulation, the somatostatin factor and the
    IGF-1 feedback (arguments as :func:`gh_secretion`)."""
    stimulation = hill(ghrh, p.pit_t1, p.pit_n1) + p.ghs_g0 * hill(ghs, p.ghs_tg0, p.ghs_ng0)
    srif_factor, feedback = _restraint(srif_pev, ghs, igf1_total_ng_ml, p, ssa)
    return p.pit_kr1 * stimulation * srif_factor * feedback


def basal_rate(
    srif_pev: Any, ghs: Any, igf1_total_ng_ml: Any, p: Any, ssa: Any = 0.0,
    basal_activity: Any = 1.0,
) -> Any:
    """Basal (nonpulsatile) GH release per unit of somatotroph capacity [ng/mL/h]:
    ``pit_basal`` times the irregular ``basal_activity``, the somatostatin factor and the
    IGF-1 feedback of regulated release; GHRH does not drive it and it does not draw on
    the releasable store (arguments as :func:`gh_secretion`)."""
    srif_factor, feedback = _restraint(srif_pev, ghs, igf1_total_ng_ml, p, ssa)
    return p.pit_basal * basal_activity * srif_factor * feedback


def releasable_pool_rate(pool: Any, rate: Any, p: Any) -> Any:
    """dR/dt [1/h]: the releasable GH store R (1 = full) refills with time constant
    ``pit_pool_tau`` [h] and empties by regulated release, ``rate`` R (``rate`` from
    :func:`somatotroph_rate`, 0 while secretion is clamped off) over the store's size
    ``pit_pool_size`` [ng/mL]; per somatotroph, so that capacity cancels."""
    return (1.0 - pool) / p.pit_pool_tau - rate * pool / p.pit_pool_size


def gh_secretion(
    ghrh: Any,
    srif_pev: Any,
    ghs: Any,
    igf1_total_ng_ml: Any,
    p: Any,
    ssa: Any = 0.0,
    adenoma_activity: Any = 1.0,
    pool: Any = 1.0,
    basal_activity: Any = 1.0,
) -> Any:
    """Pituitary GH secretion rate [ng/mL/h].

    Parameters
    ----------
    ghrh
        Portal GHRH [pg/mL].
    srif_pev
        Periventricular somatostatin [pg/mL].
    ghs
        GHS-receptor drive [Farhy GHS units].
    igf1_total_ng_ml
        Total serum IGF-1 [ng/mL].
    p
        Uses ``pit_*``, ``ghs_g0``, ``ghs_tg0``, ``ghs_ng0``, ``ghs_g1``, ``ghs_tg1``,
        ``ghs_ng1``, ``igf_fb_ic50``, ``igf_fb_n``, ``gh_autonomous``, ``pit_basal``.
    ssa
        Somatostatin-analogue agonism in somatostatin equivalents [pg/mL]; it adds to
        periventricular somatostatin at the normal somatotroph and multiplies autonomous
        (adenoma) secretion by the same somatostatin factor (GHS opposition included),
        evaluated at the analogue alone scaled by ``adenoma_ssa_sensitivity`` (s_a):
        adenomas express SSTR2 and GHS-R, often less SSTR2 than normal somatotrophs, while
        hypothalamic somatostatin already shapes the adenoma's fixed secretion rate.
    adenoma_activity
        Autonomous (adenoma) secretory activity relative to its mean [-], multiplying
        ``gh_autonomous``; 1 when constant.
    pool
        Releasable GH store of the normal somatotrophs, R [-] (1 = full;
        :func:`releasable_pool_rate`).
    basal_activity
        Basal (nonpulsatile) secretory activity of the normal somatotrophs relative to its
        mean [-] (:func:`basal_rate`); 1 when constant.
    """
    f1 = p.ghs_g1 * hill(ghs, p.ghs_tg1, p.ghs_ng1)
    regulated = somatotroph_rate(ghrh, srif_pev, ghs, igf1_total_ng_ml, p, ssa)
    ssa_adenoma = p.adenoma_ssa_sensitivity * ssa
    adenoma = (p.gh_autonomous * adenoma_activity * (1.0 + f1)
               / (1.0 + (ssa_adenoma / p.pit_t2) ** p.pit_n2 + f1))  # fmt: skip
    basal = basal_rate(srif_pev, ghs, igf1_total_ng_ml, p, ssa, basal_activity)
    return p.pit_capacity * (regulated * pool + basal) + adenoma
