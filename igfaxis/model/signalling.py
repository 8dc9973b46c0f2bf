"""Inside the cell: insulin / IGF-1 -> PI3K / Akt -> TSC -> mTORC1 -> S6K, AMPK, ULK1, autophagy.

A reduced Dalle Pezze 2012 core (Sci Signal 5:ra25; BIOMD0000000581; research/models.md 4.1)
with the amino-acid and AMPK inputs of Dalle Pezze 2016 (Nat Commun 7:13254; BIOMD0000000640),
FOXO from Kubota 2012 (Mol Cell 46:820) and a phenomenological ULK1 / autophagy module
(Szymanska 2015 PLoS One topology; research/models.md 8.2(g)). The cell is driven one way by
a finished body trajectory (free IGF-1, meals, energy status); it does not feed back.

Reduction of BIOMD0000000581: PRAS40 and its three forms are dropped. PRAS40 only appears as
a substrate whose kinases (mTORC1-p, Akt-p) act catalytically, so removing it changes no
other species (exact). Every other reaction is kept with its mass-action law, written in
conserved form (the unphosphorylated form of each protein is ``total - other forms``).

Core equations (per minute, as published; a.u. amounts; ``I`` insulin and ``AA`` amino
acids in Dalle Pezze units, 100 = saturating medium)::

    IR:      IR -> IRp  k_ir_act IR I;  IRp -> IRr  k_ir_refr;  IRr -> IR  k_ir_recyc
    IRS1:    IRS -> IRSp  k_irs_act IRS IRp;  IRSp -> IRS  k_irs_deact
             IRS -> S636  k_irs_fb IRS S6Kp;  IRSp -> S636  k_irsp_fb IRSp S6Kp
             S636 -> sink  k_irs_deg;  sink -> IRS  k_irs_syn
    PDK2, PI3K-var:  X -> Xp  k X IRp;  Xp -> X  k
    mTORC2:  C2 -> C2p  k_mtorc2_act C2 PI3Kvp;  C2p -> C2  k_mtorc2_deact
    Akt:     Akt -> T308  k_akt_act Akt IRSp;  T308 -> Akt  k_akt_deact
             T308 -> DP  (k_akt_s473_mtorc2 C2p + k_akt_s473_pdk2 PDK2p) T308;  DP -> T308
    TSC:     TSC -> TSCp  (k_tsc_akt T308 + k_tsc_aktdp DP) TSC;  TSCp -> TSC  k_tsc_deact
    mTORC1:  C1 -> C1p  k_mtorc1_aa AA C1 (1 - rapamycin inhibition)
             C1p -> C1  k_mtorc1_tsc TSC C1p (1 + ampk_mtorc1_gain AMPK)
    S6K:     S6K -> S6Kp  k_s6k_act S6K C1p;  S6Kp -> S6K  k_s6k_deact

Two published constants are changed for day-long runs (signalling_parameters.csv says why):
the S6K -| IRS1 feedback ``k_irs_fb`` (1.0 -> 0.01) and the IRS1-pS636 turnover
``k_irs_deg`` (1e-4 -> 0.01 per min). With the published pair, the basal S6K activity that
amino acids alone sustain keeps IRS1 in its pS636 form for days (turnover t1/2 ~ 5 days),
and insulin/IGF-1 would stop signalling after the first meal. tests/model/test_signalling.py
runs the published constants against libRoadRunner (exact structure) and the project
constants against the published time courses (stated tolerance).

Modules added around the core (per minute unless stated):

    AMPK:   dA/dt = k_a (basal + g_E pos(1 - E) + g_pa (1 - H(abs; K, 1))) (1 - A) - k_i A
            (energy stress: slow energy status E and the postabsorptive state, abs = meal
            energy absorption rate)
    ULK1:   dU/dt = k_u (1 + a_A A)(1 - U) - k_d (1 + a_M C1p_frac / ref) U
    flux:   dF/dt = (U - F) / tau_auto
    FOXO:   dP/dt = k_p pAKT_K (1 - P) - k_dp P,  FOXO active = 1 - P    (Kubota 2012)

Body -> cell inputs (per hour; research/models.md 8.2(g) and design values):

    gut energy      dGe/dt = intake_energy - k_ge Ge
    insulin [nM]    dIns/dt = k_ins (Ins_fast (f + (1 - f) min(E, 1)) + g_ins k_ge Ge - Ins)
    gut protein     dGp/dt = intake_protein - k_gp Gp
    amino acids     dAA/dt = k_aa (1 + g_aa k_gp Gp - AA)                  (1 = postabsorptive)
    ligand [nM]     L = Ins + w_IGF IGF1_free;   I_DP = 100 L / (L + K_R)
    amino acids DP  AA_DP = 100 H(AA; K_AA, n)
    rapamycin       FKBP12-rapamycin -| mTORC1 activation: inhibition = I_max C / (C + IC50),
                    C = whole-blood sirolimus [ng/mL] read from the body trajectory
                    (drug library PK, Brattstrom 2000; igfaxis/model/drugs/rapamycin.py)

Evidence: the core constants are fitted to HEK293 / C2C12 time courses (Dalle Pezze 2012);
the mapping of plasma insulin, IGF-1 and amino acids onto them, the AMPK, ULK1 and autophagy
constants are design values and carry qualitative, not quantitative, evidence.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from igfaxis.model._math import hill, pos

__all__ = [
    "CELL_OBSERVABLE_UNITS",
    "CELL_STATE_UNITS",
    "CellInputs",
    "CellObservables",
    "CellState",
    "CoreState",
    "akt_rates",
    "amino_acid_rate",
    "ampk_rate",
    "autophagy_rate",
    "cell_initial_state",
    "cell_observables",
    "cell_vector_field",
    "core_rates",
    "dp_amino_acids",
    "dp_insulin",
    "foxo_rate",
    "gut_rate",
    "insulin_rate",
    "irs_rates",
    "mtorc1_rate",
    "rapamycin_inhibition",
    "receptor_rates",
    "s6k_rate",
    "switch_rate",
    "tsc_rate",
    "ulk1_rate",
]

MIN_PER_H = 60.0


class CoreState(NamedTuple):
    """Phosphoforms of the Dalle Pezze 2012 core [a.u.]; unphosphorylated = total - rest."""

    ir_p: Any  #: IRbeta-pY1146 [a.u.]
    ir_refr: Any  #: refractory IRbeta [a.u.]
    irs_p: Any  #: IRS1-p-PI3K [a.u.]
    irs_s636: Any  #: IRS1-pS636-PI3K [a.u.]
    irs_sink: Any  #: IRS1 in the degradation/resynthesis pool [a.u.]
    pi3kv_p: Any  #: PI3K-variant-p [a.u.]
    pdk2_p: Any  #: PDK2-p [a.u.]
    mtorc2_p: Any  #: mTORC2-pS2481 [a.u.]
    akt_t308: Any  #: Akt-pT308 [a.u.]
    akt_dp: Any  #: Akt-pT308-pS473 [a.u.]
    tsc_p: Any  #: TSC-p [a.u.]
    mtorc1_p: Any  #: mTORC1-pS2448 [a.u.]
    s6k_p: Any  #: p70S6K-pT389 [a.u.]


class CellState(NamedTuple):
    """Cell-model state: the core plus AMPK, ULK1, autophagy, FOXO and the input layer."""

    ir_p: Any  #: IRbeta-pY1146 [a.u.]
    ir_refr: Any  #: refractory IRbeta [a.u.]
    irs_p: Any  #: IRS1-p-PI3K [a.u.]
    irs_s636: Any  #: IRS1-pS636-PI3K [a.u.]
    irs_sink: Any  #: IRS1 in the degradation/resynthesis pool [a.u.]
    pi3kv_p: Any  #: PI3K-variant-p [a.u.]
    pdk2_p: Any  #: PDK2-p [a.u.]
    mtorc2_p: Any  #: mTORC2-pS2481 [a.u.]
    akt_t308: Any  #: Akt-pT308 [a.u.]
    akt_dp: Any  #: Akt-pT308-pS473 [a.u.]
    tsc_p: Any  #: TSC-p [a.u.]
    mtorc1_p: Any  #: mTORC1-pS2448 [a.u.]
    s6k_p: Any  #: p70S6K-pT389 [a.u.]
    ampk: Any  #: active AMPK fraction [-]
    ulk1: Any  #: active ULK1 fraction [-]
    autophagy: Any  #: autophagy flux, 1 = maximal [-]
    foxo_p: Any  #: phosphorylated (inactive) FOXO fraction [-]
    gut_energy: Any  #: meal energy not yet absorbed [fraction of maintenance x day]
    gut_protein: Any  #: meal protein not yet absorbed [g/kg]
    insulin: Any  #: plasma insulin [nmol/L]
    amino_acids: Any  #: plasma amino acids, 1 = postabsorptive [-]


CELL_STATE_UNITS = CellState(
    ir_p="1", ir_refr="1", irs_p="1", irs_s636="1", irs_sink="1", pi3kv_p="1", pdk2_p="1",
    mtorc2_p="1", akt_t308="1", akt_dp="1", tsc_p="1", mtorc1_p="1", s6k_p="1", ampk="1",
    ulk1="1", autophagy="1", foxo_p="1", gut_energy="1", gut_protein="g/kg", insulin="nmol/L",
    amino_acids="1",
)  # fmt: skip


class CellInputs(NamedTuple):
    """Body -> cell inputs at one time."""

    igf_free: Any  #: free IGF-1 [nmol/L]
    energy_status: Any  #: energy status, 1 = balance [-]
    intake_energy: Any  #: energy intake rate [fraction of maintenance per day]
    intake_protein: Any  #: potency-weighted protein intake rate [g/kg/day]
    rapamycin: Any  #: whole-blood sirolimus [ng/mL] (the body trajectory's drug PK)


# --- input layer (per hour) -------------------------------------------------------------


def gut_rate(gut: Any, intake: Any, k: Any) -> Any:
    """d(gut content)/dt [per h]: a meal fills the gut, first-order absorption empties it."""
    return intake / 24.0 - k * gut


def insulin_rate(insulin: Any, gut_energy: Any, energy: Any, p: Any) -> Any:
    """dIns/dt [nmol/L/h]: insulin follows a fasting level (lower with energy deficit) plus a
    secretion term proportional to the energy absorption rate [fraction of maintenance/day]."""
    fasting = p.insulin_fasting * (p.insulin_fast_floor + (1.0 - p.insulin_fast_floor)
                                   * (1.0 - pos(1.0 - energy)))  # fmt: skip
    absorbed = 24.0 * p.gut_energy_k * gut_energy
    return p.insulin_k * (fasting + p.insulin_meal_gain * absorbed - insulin)


def amino_acid_rate(aa: Any, gut_protein: Any, p: Any) -> Any:
    """dAA/dt [1/h]: plasma amino acids (1 = postabsorptive) rise with protein absorption."""
    absorbed = 24.0 * p.gut_protein_k * gut_protein
    return p.aa_k * (1.0 + p.aa_gain * absorbed - aa)


def dp_insulin(insulin: Any, igf_free: Any, p: Any) -> Any:
    """Effective ligand mapped onto Dalle Pezze insulin units [a.u.; 100 = saturating]."""
    lig = pos(insulin + p.ligand_igf1_weight * igf_free)
    return 100.0 * lig / (lig + p.ligand_k_receptor)


def dp_amino_acids(aa: Any, p: Any) -> Any:
    """Plasma amino acids mapped onto Dalle Pezze amino-acid units [a.u.; 100 = saturating]."""
    return 100.0 * hill(aa, p.aa_half_dp, p.aa_hill_n)


def rapamycin_inhibition(conc: Any, p: Any) -> Any:
    """Fractional inhibition of mTORC1 activation by whole-blood sirolimus [-].

    Sirolimus acts as the FKBP12-rapamycin complex, which binds the FRB domain of mTOR and
    blocks mTORC1 towards its substrates; modelled as an Emax law on the activation step
    (``k_mtorc1_aa`` in :func:`mtorc1_rate`), the rapamycin input of the Szymanska 2015
    topology. ``rapa_imax`` < 1 because the block is partial (4E-BP1 phosphorylation is
    rapamycin-resistant) [design]; ``rapa_ic50`` is a design value set so that the
    whole-blood troughs of transplant practice (5-15 ng/mL) suppress mTORC1 substantially
    [UNVERIFIED]. Both are qualitative: no human tissue dose-response anchors them.

    Parameters
    ----------
    conc
        Whole-blood sirolimus [ng/mL] (the body trajectory's ``rapamycin_ng_ml``).
    p
        Uses ``rapa_imax`` [-], ``rapa_ic50`` [ng/mL].
    """
    c = pos(conc)
    return p.rapa_imax * c / (c + p.rapa_ic50)


# --- Dalle Pezze 2012 core (per minute) --------------------------------------------------


def receptor_rates(y: Any, ins: Any, p: Any) -> tuple[Any, Any]:
    """IRbeta cycle (reactions 41, 2, 5): (dIRp/dt, dIRr/dt) [a.u./min]."""
    ir = p.ir_total - y.ir_p - y.ir_refr
    act = p.k_ir_act * ir * ins
    refr = p.k_ir_refr * y.ir_p
    return act - refr, refr - p.k_ir_recyc * y.ir_refr


def irs_rates(y: Any, p: Any) -> tuple[Any, Any, Any]:
    """IRS1-PI3K with the S6K -| IRS1 feedback (reactions 23, 55, 22, 46, 53, 4):
    (dIRSp/dt, dS636/dt, dsink/dt) [a.u./min]."""
    irs = p.irs_total - y.irs_p - y.irs_s636 - y.irs_sink
    act = p.k_irs_act * irs * y.ir_p
    deact = p.k_irs_deact * y.irs_p
    fb = p.k_irs_fb * irs * y.s6k_p
    fb_p = p.k_irsp_fb * y.irs_p * y.s6k_p
    deg = p.k_irs_deg * y.irs_s636
    syn = p.k_irs_syn * y.irs_sink
    return act - deact - fb_p, fb + fb_p - deg, deg - syn


def switch_rate(active: Any, total: Any, k_on: Any, driver: Any, k_off: Any) -> Any:
    """Mass-action phosphorylation cycle: k_on (total - active) driver - k_off active."""
    return k_on * (total - active) * driver - k_off * active


def akt_rates(y: Any, p: Any) -> tuple[Any, Any]:
    """Akt T308 / S473 (reactions 31, 61, 32, 13, 44): (dT308/dt, dDP/dt) [a.u./min]."""
    akt = p.akt_total - y.akt_t308 - y.akt_dp
    t308 = p.k_akt_act * akt * y.irs_p
    s473 = (p.k_akt_s473_mtorc2 * y.mtorc2_p + p.k_akt_s473_pdk2 * y.pdk2_p) * y.akt_t308
    back = p.k_akt_s473_deact * y.akt_dp
    return t308 - p.k_akt_deact * y.akt_t308 - s473 + back, s473 - back


def tsc_rate(y: Any, p: Any) -> Any:
    """dTSCp/dt [a.u./min]: Akt phosphorylates (inactivates) TSC (reactions 33, 3, 9)."""
    tsc = p.tsc_total - y.tsc_p
    return (p.k_tsc_akt * y.akt_t308 + p.k_tsc_aktdp * y.akt_dp) * tsc - p.k_tsc_deact * y.tsc_p


def mtorc1_rate(y: Any, aa: Any, ampk: Any, inhibition: Any, p: Any) -> Any:
    """dmTORC1-p/dt [a.u./min]: amino acids activate, TSC inactivates (reactions 40, 7);
    AMPK strengthens the TSC brake, rapamycin blocks activation."""
    mtorc1 = p.mtorc1_total - y.mtorc1_p
    act = p.k_mtorc1_aa * mtorc1 * aa * (1.0 - inhibition)
    tsc = p.tsc_total - y.tsc_p
    return act - p.k_mtorc1_tsc * y.mtorc1_p * tsc * (1.0 + p.ampk_mtorc1_gain * ampk)


def s6k_rate(y: Any, p: Any) -> Any:
    """dS6K-p/dt [a.u./min]: mTORC1 phosphorylates S6K-T389 (reactions 16, 17)."""
    return switch_rate(y.s6k_p, p.s6k_total, p.k_s6k_act, y.mtorc1_p, p.k_s6k_deact)


def core_rates(y: Any, ins: Any, aa: Any, ampk: Any, inhibition: Any, p: Any) -> CoreState:
    """d(core)/dt [a.u./min] at Dalle Pezze inputs ``ins`` and ``aa`` [a.u.]."""
    d_irp, d_irr = receptor_rates(y, ins, p)
    d_irsp, d_s636, d_sink = irs_rates(y, p)
    d_t308, d_dp = akt_rates(y, p)
    return CoreState(
        ir_p=d_irp, ir_refr=d_irr, irs_p=d_irsp, irs_s636=d_s636, irs_sink=d_sink,
        pi3kv_p=switch_rate(y.pi3kv_p, p.pi3kv_total, p.k_pi3kv_act, y.ir_p, p.k_pi3kv_deact),
        pdk2_p=switch_rate(y.pdk2_p, p.pdk2_total, p.k_pdk2_act, y.ir_p, p.k_pdk2_deact),
        mtorc2_p=switch_rate(y.mtorc2_p, p.mtorc2_total, p.k_mtorc2_act, y.pi3kv_p,
                             p.k_mtorc2_deact),
        akt_t308=d_t308, akt_dp=d_dp, tsc_p=tsc_rate(y, p),
        mtorc1_p=mtorc1_rate(y, aa, ampk, inhibition, p), s6k_p=s6k_rate(y, p),
    )  # fmt: skip


# --- AMPK, ULK1, autophagy, FOXO (per minute) -------------------------------------------


def ampk_rate(ampk: Any, energy: Any, absorbed: Any, p: Any) -> Any:
    """dAMPK/dt [1/min]: energy deficit activates AMPK (research/models.md 8.2(g)); so does
    the postabsorptive state (no meal energy being absorbed, ``absorbed`` [fraction of
    maintenance per day]) on the scale of hours [design]."""
    post = 1.0 - hill(absorbed, p.ampk_absorbed_half, 1.0)
    drive = (p.ampk_basal + p.ampk_energy_gain * pos(1.0 - energy)
             + p.ampk_postabsorptive_gain * post)
    return p.ampk_k_act * drive * (1.0 - ampk) - p.ampk_k_inact * ampk


def ulk1_rate(ulk1: Any, ampk: Any, mtorc1_frac: Any, p: Any) -> Any:
    """dULK1/dt [1/min]: AMPK -> ULK1, mTORC1 -| ULK1 (Szymanska 2015 topology)."""
    on = p.ulk1_k_on * (1.0 + p.ulk1_ampk_gain * ampk) * (1.0 - ulk1)
    off = p.ulk1_k_off * (1.0 + p.ulk1_mtorc1_gain * mtorc1_frac / p.ulk1_mtorc1_ref) * ulk1
    return on - off


def autophagy_rate(flux: Any, ulk1: Any, p: Any) -> Any:
    """dflux/dt [1/min]: autophagy flux follows active ULK1 with lag ``autophagy_tau``."""
    return (ulk1 - flux) / p.autophagy_tau


def foxo_rate(foxo_p: Any, akt_frac: Any, p: Any) -> Any:
    """dFOXO-p/dt [1/min]: Akt phosphorylates (excludes) FOXO (Kubota 2012 v21, v22)."""
    pakt = p.foxo_akt_scale * akt_frac
    return p.foxo_phos_k * pakt * (1.0 - foxo_p) - p.foxo_dephos_k * foxo_p


# --- composition ------------------------------------------------------------------------


def cell_vector_field(y: CellState, u: CellInputs, p: Any) -> CellState:
    """d(cell state)/dt [state unit per h]."""
    inhibition = rapamycin_inhibition(u.rapamycin, p)
    ins = dp_insulin(y.insulin, u.igf_free, p)
    aa = dp_amino_acids(y.amino_acids, p)
    core = core_rates(y, ins, aa, y.ampk, inhibition, p)
    akt_frac = (y.akt_t308 + y.akt_dp) / p.akt_total
    per_h = MIN_PER_H
    return CellState(
        *(per_h * d for d in core),
        ampk=per_h * ampk_rate(y.ampk, u.energy_status, 24.0 * p.gut_energy_k * y.gut_energy, p),
        ulk1=per_h * ulk1_rate(y.ulk1, y.ampk, y.mtorc1_p / p.mtorc1_total, p),
        autophagy=per_h * autophagy_rate(y.autophagy, y.ulk1, p),
        foxo_p=per_h * foxo_rate(y.foxo_p, akt_frac, p),
        gut_energy=gut_rate(y.gut_energy, u.intake_energy, p.gut_energy_k),
        gut_protein=gut_rate(y.gut_protein, u.intake_protein, p.gut_protein_k),
        insulin=insulin_rate(y.insulin, y.gut_energy, u.energy_status, p),
        amino_acids=amino_acid_rate(y.amino_acids, y.gut_protein, p),
    )


class CellObservables(NamedTuple):
    """Cell outputs in the units users read (fractions of each protein's total)."""

    mtorc1: Any  #: mTORC1-pS2448 fraction [-]
    s6k: Any  #: p70S6K-pT389 fraction [-]
    akt: Any  #: phosphorylated Akt fraction (pT308 + pT308/pS473) [-]
    ampk: Any  #: active AMPK fraction [-]
    ulk1: Any  #: active ULK1 fraction [-]
    autophagy_flux: Any  #: autophagy flux, 1 = maximal [-]
    foxo: Any  #: active (unphosphorylated, nuclear) FOXO fraction [-]
    insulin_nmol_l: Any  #: plasma insulin [nmol/L]
    amino_acids_rel: Any  #: plasma amino acids, 1 = postabsorptive [-]


CELL_OBSERVABLE_UNITS = CellObservables(
    mtorc1="1", s6k="1", akt="1", ampk="1", ulk1="1", autophagy_flux="1", foxo="1",
    insulin_nmol_l="nmol/L", amino_acids_rel="1",
)  # fmt: skip


def cell_observables(y: CellState, p: Any) -> CellObservables:
    """Observables at one time point."""
    return CellObservables(
        mtorc1=y.mtorc1_p / p.mtorc1_total,
        s6k=y.s6k_p / p.s6k_total,
        akt=(y.akt_t308 + y.akt_dp) / p.akt_total,
        ampk=y.ampk,
        ulk1=y.ulk1,
        autophagy_flux=y.autophagy,
        foxo=1.0 - y.foxo_p,
        insulin_nmol_l=y.insulin,
        amino_acids_rel=y.amino_acids,
    )


def cell_initial_state(p: Any) -> CellState:
    """Unstimulated cell (all phosphoforms 0, as in BIOMD0000000581); a warm-up settles it."""
    return CellState(
        ir_p=0.0, ir_refr=0.0, irs_p=0.0, irs_s636=0.0, irs_sink=0.0, pi3kv_p=0.0, pdk2_p=0.0,
        mtorc2_p=0.0, akt_t308=0.0, akt_dp=0.0, tsc_p=0.0, mtorc1_p=0.0, s6k_p=0.0,
        ampk=0.1, ulk1=0.5, autophagy=0.5, foxo_p=0.5, gut_energy=0.0, gut_protein=0.0,
        insulin=p.insulin_fasting, amino_acids=1.0,
    )  # fmt: skip
