// The costs behind a sign-in and a request with an identity token (issue
// 15): the Argon2id hash at production and test cost, and ES256 signing and
// verification (lib/jose).  Reproduce:
//   build/bench/identity/identity_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "lib/jose/es256.h"
#include "services/identity/secrets.h"

namespace pelita::identity {
namespace {

void BM_CheckPasswordInteractive(benchmark::State& state) {
  const std::string hash = *HashPassword("a long password", PasswordCost::Interactive());
  for (auto _ : state) benchmark::DoNotOptimize(CheckPassword(hash, "a long password"));
}
BENCHMARK(BM_CheckPasswordInteractive)->Unit(benchmark::kMillisecond);

void BM_CheckPasswordMinimum(benchmark::State& state) {
  const std::string hash = *HashPassword("a long password", PasswordCost::Minimum());
  for (auto _ : state) benchmark::DoNotOptimize(CheckPassword(hash, "a long password"));
}
BENCHMARK(BM_CheckPasswordMinimum)->Unit(benchmark::kMicrosecond);

const char kClaims[] = R"({"sub":"198503302010012001","tenant":"1504","role":"participant","exp":1900000000})";

void BM_Es256Sign(benchmark::State& state) {
  auto key = jose::Es256PrivateKey::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(key->SignJwt("k1", kClaims));
}
BENCHMARK(BM_Es256Sign)->Unit(benchmark::kMicrosecond);

void BM_Es256Verify(benchmark::State& state) {
  auto key = jose::Es256PrivateKey::Generate();
  auto pub = jose::Es256PublicKey::FromCoordinates(key->Public().x, key->Public().y);
  const std::string input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0";
  const std::string sig = *key->Sign(input);
  for (auto _ : state) benchmark::DoNotOptimize(pub->Verify(input, sig));
}
BENCHMARK(BM_Es256Verify)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pelita::identity

BENCHMARK_MAIN();
