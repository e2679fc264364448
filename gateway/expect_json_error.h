#ifndef PELITA_GATEWAY_EXPECT_JSON_ERROR_H_
#define PELITA_GATEWAY_EXPECT_JSON_ERROR_H_

// A test helper shared by the gateway's HTTP tests.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "gateway/http_client.h"

namespace pelita::gateway {

// Asserts a JSON error body {code, message, details} with HTTP `status`
// whose message contains `mention`.
inline void ExpectJsonError(const HttpResponse& r, int status, const std::string& mention) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json") << r.body;
  const nlohmann::json j = r.Json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_TRUE(j.contains("code") && j["code"].is_number()) << r.body;
  EXPECT_TRUE(j.contains("details") && j["details"].is_array()) << r.body;
  ASSERT_TRUE(j.contains("message") && j["message"].is_string()) << r.body;
  EXPECT_TRUE(absl::StrContains(j["message"].get<std::string>(), mention)) << r.body;
}

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_EXPECT_JSON_ERROR_H_
