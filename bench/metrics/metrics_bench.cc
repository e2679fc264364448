// What lib/metrics adds to every RPC of every service: RecordRpc (a counter
// and a histogram observation, cached per method and code), against the
// CallStats::Record that lib/server did before, in one run.
//   build/bench/metrics/metrics_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "lib/metrics/metrics.h"
#include "lib/server/server.h"

namespace {

const char* kMethods[] = {"/pelita.enrolment.v1.EnrolmentService/GetUnit",
                          "/pelita.enrolment.v1.EnrolmentService/ListUnits",
                          "/pelita.survey.v1.SurveyService/CreateResponse",
                          "/pelita.scoring.v1.ScoringService/GetEvaluation"};

void BM_RecordRpc(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    pelita::metrics::RecordRpc(kMethods[i++ & 3], 0, absl::Microseconds(250));
  }
}
BENCHMARK(BM_RecordRpc);

void BM_CallStatsRecord(benchmark::State& state) {
  pelita::CallStats stats;
  size_t i = 0;
  for (auto _ : state) {
    stats.Begin();
    stats.Record(kMethods[i++ & 3], grpc::StatusCode::OK);
  }
}
BENCHMARK(BM_CallStatsRecord);

}  // namespace

BENCHMARK_MAIN();
