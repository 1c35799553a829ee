/**
 * @file model.c
 * @brief Model factory: one ops table per family, chosen by the specification.
 */
#include "hpcast/models.h"

PetscErrorCode hc_model_create(const hc_spec *spec, int n_max, hc_model **m)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(m));
  (*m)->spec  = *spec;
  (*m)->n_max = n_max;
  switch (spec->vol) {
  case HC_VOL_NONE:
    (*m)->ops      = &hc_arma_ops;
    (*m)->n_params = spec->p + spec->q + 2;
    break;
  case HC_VOL_GARCH:
    (*m)->ops      = &hc_garch_ops;
    (*m)->n_params = 1 + spec->p + spec->q + 1 + spec->vol_p + spec->vol_q + (spec->dist == HC_DIST_T ? 1 : 0);
    break;
  }
  PetscCheck((*m)->n_params <= HC_MAX_PARAMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "model has %d parameters, at most %d supported", (*m)->n_params, HC_MAX_PARAMS);
  PetscCheck(!(*m)->ops->setup(*m, n_max), PETSC_COMM_SELF, PETSC_ERR_MEM,
             "cannot allocate the workspace of a %s model for %d observations", (*m)->ops->family, n_max);
  PetscFunctionReturn(0);
}

PetscErrorCode hc_model_destroy(hc_model **m)
{
  PetscFunctionBeginUser;
  if (!*m) PetscFunctionReturn(0);
  (*m)->ops->destroy(*m);
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(0);
}
