#include "lib/store/cas.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace pelita::store {

void CasBackOff(int attempt) {
  thread_local std::mt19937 rng(std::random_device{}());
  const int cap_us = std::min(20000, 50 << std::min(attempt, 9));
  std::uniform_int_distribution<int> jitter(cap_us / 2, cap_us);
  std::this_thread::sleep_for(std::chrono::microseconds(jitter(rng)));
}

}  // namespace pelita::store
