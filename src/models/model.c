/**
 * @file model.c
 * @brief Model factory: the table of families, one ops table each, chosen by the specification.
 */
#include "hpcast/models.h"

#include <stdio.h>

/* The families, in the order they are asked whether they serve a spec (a family whose specs
 * are also those of a later one, such as SSA's mean specs without a volatility model, comes
 * first). Adding a family is one entry here and its file (docs/models.md, "Adding a model
 * family"). */
static const hc_model_ops *const families[] = {&hc_ssa_ops, &hc_sarimax_ops, &hc_garch_ops, &hc_egarch_ops};

const hc_model_ops *hc_model_family(const hc_spec *s)
{
  for (size_t i = 0; i < sizeof families / sizeof *families; i++)
    if (families[i]->serves(s)) return families[i];
  return NULL;
}

int hc_model_parse_mean(const char *token, hc_spec *s, char *why, size_t len)
{
  for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
    const int rc = families[i]->parse_mean ? families[i]->parse_mean(token, s, why, len) : 0;
    if (rc) return rc;
  }
  return 0;
}

void hc_model_grammars(char *buf, size_t len)
{
  size_t at = 0;
  if (len) buf[0] = '\0';
  for (size_t i = 0; i < sizeof families / sizeof *families && at < len; i++)
    if (families[i]->parse_mean) {
      int w = snprintf(buf + at, len - at, "%s%s", at ? "; " : "", families[i]->grammar);
      at += w > 0 ? (size_t)w : 0;
    }
}

int hc_model_check(const hc_spec *s, char *why, size_t len)
{
  const hc_model_ops *ops = hc_model_family(s);
  char                name[HC_MODEL_LEN];
  if (!ops) {
    hc_spec_name(s, name, sizeof name);
    snprintf(why, len, "no model family fits %s", name);
    return 1;
  }
  return ops->check ? ops->check(s, why, len) : 0;
}

PetscErrorCode hc_model_create(const hc_spec *spec, int n_max, hc_model **m)
{
  const hc_model_ops *ops = hc_model_family(spec);
  char                name[HC_MODEL_LEN];
  PetscFunctionBeginUser;
  if (!ops) { /* the name only for the message: a model is created for every fit and forecast */
    hc_spec_name(spec, name, sizeof name);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "no model family serves the spec %s", name);
  }
  PetscCall(PetscNew(m));
  (*m)->spec     = *spec;
  (*m)->n_max    = n_max;
  (*m)->ops      = ops;
  (*m)->n_params = ops->n_params(spec);
  PetscCheck((*m)->n_params <= HC_MAX_PARAMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "model has %d parameters, at most %d supported", (*m)->n_params, HC_MAX_PARAMS);
  PetscCheck(!ops->setup(*m, n_max), PETSC_COMM_SELF, PETSC_ERR_MEM,
             "cannot allocate the workspace of a %s model for %d observations", ops->family, n_max);
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
  if (m->ops->law) return m->ops->law(m, theta, law);
  return hc_dist_prepare(HC_DIST_NORMAL, NULL, 0, law);
}

int hc_model_forecast_update(hc_model *m, const double *theta, const double *y, int n0, int n, int H, double *mean, double *var)
{
  if (m->ops->forecast_update && n0 > 0 && n0 <= n && !m->ops->forecast_update(m, theta, y, n0, n, H, mean, var)) return 0;
  return m->ops->forecast(m, theta, y, n, H, mean, var);
}
