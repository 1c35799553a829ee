/**
 * @file model.c
 * @brief Model factory: one ops table per family, chosen by the specification.
 */
#include "models_impl.h" /* hc_vol_layout_of */

PetscErrorCode hc_model_create(const hc_spec *spec, int n_max, hc_model **m)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(m));
  (*m)->spec  = *spec;
  (*m)->n_max = n_max;
  switch (spec->vol) {
  case HC_VOL_NONE:
    (*m)->ops = &hc_sarimax_ops;
    break;
  case HC_VOL_GARCH:
  case HC_VOL_GJR:
    (*m)->ops = &hc_garch_ops;
    break;
  case HC_VOL_EGARCH:
    (*m)->ops = &hc_egarch_ops;
    break;
  }
  (*m)->n_params = (*m)->ops->n_params(spec);
  PetscCheck((*m)->n_params <= HC_MAX_PARAMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "model has %d parameters, at most %d supported", (*m)->n_params, HC_MAX_PARAMS);
  PetscCheck(!(*m)->ops->setup(*m, n_max), PETSC_COMM_SELF, PETSC_ERR_MEM,
             "cannot allocate the workspace of a %s model for %d observations", (*m)->ops->family, n_max);
  PetscFunctionReturn(0);
}

void hc_model_set_exog(hc_model *m, const double *X, int ldx, const char (*names)[HC_PNAME_LEN])
{
  m->X      = X;
  m->ldx    = ldx;
  m->xnames = names;
}

PetscErrorCode hc_model_destroy(hc_model **m)
{
  PetscFunctionBeginUser;
  if (!*m) PetscFunctionReturn(0);
  (*m)->ops->destroy(*m);
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(0);
}

int hc_model_law(const hc_model *m, const double *theta, hc_dist_eval *law)
{
  hc_vol_layout L;
  if (m->spec.vol == HC_VOL_NONE) return hc_dist_prepare(HC_DIST_NORMAL, NULL, 0, law);
  hc_vol_layout_of(&m->spec, &L);
  return hc_dist_prepare(m->spec.dist, theta + L.is, 0, law);
}
