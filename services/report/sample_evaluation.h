#ifndef PELITA_SERVICES_REPORT_SAMPLE_EVALUATION_H_
#define PELITA_SERVICES_REPORT_SAMPLE_EVALUATION_H_

#include "pelita/scoring/v1/scoring.pb.h"

// Evaluations shaped as scoring returns them, for the report's tests and
// benchmark: a cohort with every level, shown and withheld figures side by
// side, and a cohort that has just started (every figure withheld).
namespace pelita::report::testing {

// Cohort `tenants/1504/programs/adm-2026/cohorts/angkatan-1`.
scoring::v1::Evaluation SampleEvaluation();
scoring::v1::Evaluation AllWithheldEvaluation();

}  // namespace pelita::report::testing

#endif  // PELITA_SERVICES_REPORT_SAMPLE_EVALUATION_H_
